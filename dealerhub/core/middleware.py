from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.utils.cache import patch_cache_control
from rest_framework import exceptions

from .api.exceptions import (
    GIVE_ONCE,
    NUL_NOT_ALLOWED,
    PayloadTooLarge,
    TooManyParameters,
    problem_response,
)

API_PREFIX = "/api/"


class PrivatePagesMiddleware:
    """Pages and API answers for a signed-in user may hold personal or business data:
    never store them in shared or browser caches (static files are cached as usual)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class ApiErrorsMiddleware:
    """Under /api/ every answer is JSON, whatever produced it.

    - A NUL byte in the query string is refused with a 400 naming the parameter:
      PostgreSQL cannot store or compare text containing it, so a filter would crash.
      So is a parameter given twice: no API parameter is a list.
    - A missing trailing slash on a write redirects with 308 (method and body kept).
    - Error pages Django renders itself (no URL matched, a method the route does not
      declare, a body over the size limit, DEBUG's technical pages) become problem details.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            refused = sorted(
                {
                    key.replace("\x00", "\\x00")
                    for key, values in request.GET.lists()
                    if "\x00" in key or any("\x00" in value for value in values)
                }
            )
        except TooManyFieldsSent:
            return problem_response(TooManyParameters())
        if refused:
            return problem_response(
                exceptions.ValidationError({key: [NUL_NOT_ALLOWED] for key in refused})
            )
        # No API parameter takes several values; Django would quietly use the last one.
        repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
        if repeated:
            return problem_response(
                exceptions.ValidationError({key: [GIVE_ONCE] for key in repeated})
            )
        response = self.get_response(request)
        if response.status_code == 301 and request.method not in ("GET", "HEAD", "OPTIONS"):
            # APPEND_SLASH's redirect: with 301 clients resend a POST as a GET, so the body
            # would be lost while the client sees a 200; 308 keeps the method and body.
            response.status_code = 308
        if response.status_code >= 400 and not _is_json(response):
            if response.status_code >= 500 and settings.DEBUG:
                return response  # keep the traceback page for the developer
            return _as_problem(request, response)
        return response


def _is_json(response) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.startswith(("application/json", "application/problem+json"))


def _as_problem(request, response):
    status = response.status_code
    headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
    exc: exceptions.APIException
    if status == 404:
        exc = exceptions.NotFound()
    elif status == 405:
        exc = exceptions.MethodNotAllowed(request.method)
    elif status == 413:
        exc = PayloadTooLarge()
    else:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        exc = exceptions.APIException(detail=phrase, code="error")
        exc.status_code = status
    return problem_response(exc, headers=headers)
