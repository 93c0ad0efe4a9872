from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

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


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from markets.selectors import dashboard_summary

        context = super().get_context_data(**kwargs)
        context["summary"] = dashboard_summary(user=self.request.user)
        return context


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
