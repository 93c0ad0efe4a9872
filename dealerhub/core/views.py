from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException, NotFound, ParseError

from .api.exceptions import as_api_exception, problem_response
from .health import check_database, run_checks


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Every HTML list and detail view gets its rows through the user's territory scope.

    Detail views built on it answer 404 for objects outside the scope, so existence
    never leaks.
    """

    model = None

    def get_base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.get_base_queryset().for_user(self.request.user)


@never_cache
@require_GET
def livez(request):
    """Liveness for the web container: this process answers and reaches the database.

    Unlike /healthz it does not depend on Redis or a worker, so a broker outage
    does not get healthy web processes restarted.
    """
    ok, detail = check_database()
    return JsonResponse(
        {"status": "ok" if ok else "down", "database": detail}, status=200 if ok else 503
    )


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503
    )


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None):
    """API paths: a body over the size limit is a 413 problem, anything else a 400 one."""
    if _is_api(request):
        api_exc = as_api_exception(exception)
        if not isinstance(api_exc, APIException):
            api_exc = ParseError(_("Bad request."))
        return problem_response(api_exc)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    """API paths get the API's error format; pages get the normal 404 page."""
    if _is_api(request):
        return problem_response(NotFound())
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return problem_response(APIException())
    return defaults.server_error(request)


class FilteredListMixin:
    """A list page driven by a FilterSet; htmx requests get only the table partial."""

    filterset_class = None
    paginate_by = 50
    partial_template_name = None

    def get_queryset(self):
        # The request lets a FilterSet scope its choices to the user's territories.
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=super().get_queryset(), request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else self.filterset.queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()
