"""The territory tree pages."""

from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin

from .. import policies, selectors
from ..choices import TerritoryLevel
from ..filtersets import TerritoryFilterSet
from ..models import (
    Territory,
)


class TerritoryListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    model = Territory
    filterset_class = TerritoryFilterSet
    template_name = "markets/territory_list.html"
    partial_template_name = "markets/partials/_territory_table.html"

    def get_base_queryset(self):
        return selectors.territory_list(user=self.request.user)


class TerritoryDetailView(ScopedQuerysetMixin, DetailView):
    model = Territory
    template_name = "markets/territory_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        territory = self.object
        context["children"] = territory.children.order_by("code")
        context["ancestors"] = Territory.objects.filter(code__in=territory.ancestor_codes).order_by(
            "depth"
        )
        context["markets"] = selectors.market_list(user=self.request.user).filter(
            territory__path__startswith=territory.path
        )[:100]
        context["history"] = history_for(territory)
        context["can_open"] = (
            policies.can_open_markets(self.request.user)
            and territory.level in (TerritoryLevel.CITY, TerritoryLevel.COUNTY)
            and not any(market.territory_id == territory.pk for market in context["markets"])
        )
        return context
