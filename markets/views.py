from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.views import ScopedQuerysetMixin

from . import selectors, services
from .filtersets import MarketFilterSet, TerritoryFilterSet
from .forms import MarketProfileForm
from .models import Market, Territory


class FilteredListMixin:
    """A list page driven by a FilterSet; htmx requests get only the table partial."""

    filterset_class = None
    paginate_by = 50
    partial_template_name = None

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=super().get_queryset()
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
        return context


class MarketListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    model = Market
    filterset_class = MarketFilterSet
    template_name = "markets/market_list.html"
    partial_template_name = "markets/partials/_market_table.html"

    def get_base_queryset(self):
        return selectors.market_list(user=self.request.user)


class MarketDetailView(ScopedQuerysetMixin, DetailView):
    model = Market
    template_name = "markets/market_detail.html"

    def get_base_queryset(self):
        return selectors.market_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_for(self.object)
        context["can_edit"] = self.request.user.is_hq or self.request.user.is_manager
        return context


@login_required
def market_edit(request, pk: int):
    """Managers and HQ edit a market's profile; stale edits are refused, nothing is lost."""
    market = get_object_or_404(selectors.market_list(user=request.user), pk=pk)
    if not (request.user.is_hq or request.user.is_manager):
        raise PermissionDenied
    form = MarketProfileForm(request.POST or None, instance=market)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.market_update_profile(
                market_id=market.pk,
                expected_updated_at=data.get("version"),
                income_level=data["income_level"],
                pillar_industries=data["pillar_industries"],
                notes=data["notes"],
                rep_id=data["rep"].pk if data["rep"] else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Market saved."))
            return redirect("markets:market_detail", pk=market.pk)
    return render(request, "markets/market_form.html", {"form": form, "market": market})
