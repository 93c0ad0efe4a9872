"""One error format for the whole API: RFC 9457 problem details with per-field messages."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class PayloadTooLarge(exceptions.APIException):
    """The body is over DATA_UPLOAD_MAX_MEMORY_SIZE (Django refuses to read it)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _(
        "The request body is too large. Send at most 1,000 records per batch and split "
        "larger loads into several batches."
    )
    default_code = "payload_too_large"


NUL_NOT_ALLOWED = _("Null characters (\\x00) are not allowed.")
GIVE_ONCE = _("Give this parameter once.")


class TooManyParameters(exceptions.ParseError):
    default_detail = _("Too many parameters in the request.")
    default_code = "too_many_parameters"


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


def _title(exc: exceptions.APIException) -> str:
    # Some DRF titles are templates ('Method "{method}" not allowed.'); their rendered
    # detail names the method or media type, so it is the better title.
    title = str(getattr(exc, "default_detail", "Error"))
    if "{" in title and isinstance(exc.detail, str):
        return str(exc.detail)
    return title


def as_api_exception(exc: Exception) -> Exception:
    """Django's own exceptions as the DRF exceptions that carry the same meaning."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return TooManyParameters()
    return exc


def problem_body(exc: exceptions.APIException) -> dict[str, object]:
    body: dict[str, object] = {"type": "about:blank", "status": exc.status_code}
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
        body["title"] = _title(exc)
        body["code"] = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body["detail"] = _flatten(detail) if detail is not None else body["title"]
    return body


def problem_exception_handler(exc, context):
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    body = problem_body(exc)
    body["status"] = response.status_code
    headers = {
        key: value
        for key, value in response.items()
        if key in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    problem = Response(body, status=response.status_code, headers=headers)
    problem.content_type = PROBLEM_CONTENT_TYPE
    request = context.get("request")
    if request is not None:
        # Problems are JSON whatever the view renders otherwise (the schema's YAML, the
        # browsable API's HTML).
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return problem


def problem_response(exc: exceptions.APIException, *, headers=None) -> JsonResponse:
    """A problem answer outside DRF's views (middleware, Django's error handlers)."""
    response = JsonResponse(
        problem_body(exc),
        status=exc.status_code,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


__all__ = [
    "PayloadTooLarge",
    "problem_body",
    "problem_exception_handler",
    "problem_response",
    "status",
]
