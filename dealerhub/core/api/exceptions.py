"""One error format for the whole API: RFC 9457 problem details with per-field messages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _flatten(detail) -> object:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _codes(detail) -> object:
    if isinstance(detail, dict):
        return {key: _codes(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_codes(item) for item in detail]
    return getattr(detail, "code", None)


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, object] = {
        "type": "about:blank",
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["title"] = str(exceptions.ValidationError.default_detail)
        body["code"] = "invalid"
        detail: object = (
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
        body["errors"] = _flatten(detail)
        body["error_codes"] = _codes(detail)
    else:
        detail = getattr(exc, "detail", None)
        body["title"] = str(getattr(exc, "default_detail", "Error"))
        body["code"] = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body["detail"] = _flatten(detail) if detail is not None else body["title"]
    headers = {
        key: value
        for key, value in response.items()
        if key in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    problem = Response(body, status=response.status_code, headers=headers)
    problem.content_type = "application/problem+json"
    return problem


__all__ = ["problem_exception_handler", "status"]
