"""Project-level pages that sit above every app (the home dashboard)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .dashboard import dashboard_for


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = dashboard_for(user=self.request.user)
        context["board"] = board
        context["summary"] = board.markets
        return context
