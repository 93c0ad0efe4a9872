"""Markets: list, page, profile, status, success checklist and plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.forms import apply_errors
from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin

from .. import forms as market_forms
from .. import hooks, policies, selectors, services
from ..choices import ChecklistKey, OutletKind
from ..filtersets import MarketFilterSet
from ..forms import MarketOpenForm, MarketProfileForm
from ..models import (
    Market,
    MarketPlan,
    Territory,
)
from ..rules import COMPUTED_KEYS
from .base import scoped_market


class MarketListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    """The markets overview: status, survey completeness, rep, and a funnel per status."""

    model = Market
    filterset_class = MarketFilterSet
    template_name = "markets/market_list.html"
    partial_template_name = "markets/partials/_market_table.html"

    def get_base_queryset(self):
        return selectors.market_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["funnel"] = selectors.funnel(user=self.request.user, queryset=self.object_list)
        context["can_open"] = policies.can_open_markets(self.request.user)
        return context


class MarketDetailView(ScopedQuerysetMixin, DetailView):
    """The market page ("一图两表"): status, plan vs actual, map, outlet and customer tables."""

    model = Market
    template_name = "markets/market_detail.html"

    def get_base_queryset(self):
        return selectors.market_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        market = self.object
        user = self.request.user
        plan = MarketPlan.objects.filter(market=market).first()
        outlets = selectors.market_outlets(market=market)
        competitors = selectors.market_competitors(market=market)
        context.update(
            history=history_for(market),
            status_changes=market.status_changes.select_related("changed_by")[:30],
            can_edit=policies.can_manage_markets(user),
            can_change_status=policies.can_manage_markets(user) or market.rep_id == user.pk,
            status_form=market_forms.StatusChangeForm(),
            plan=plan,
            plan_rows=selectors.plan_vs_actual(market=market, plan=plan),
            capacity=selectors.required_capacity(market=market) if plan is None else None,
            checklist=self._checklist(market),
            surveys=list(market.surveys.select_related("rep")[:5]),
            survey_form=market_forms.SurveyStartForm(initial={"surveyed_on": timezone.localdate()}),
            map_points=selectors.market_map_points(market=market),
            map_labels={
                **{kind.value: str(kind.label) for kind in OutletKind},
                "wholesale_market": _("Wholesale market"),
            },
            outlet_total=outlets.count(),
            outlets=outlets.select_related("territory").order_by("kind", "name")[
                : selectors.TABLE_ROWS
            ],
            customers=outlets.filter(kind=OutletKind.WHOLESALE)
            .select_related("wholesale_market")
            .order_by("name")[: selectors.TABLE_ROWS],
            competitors=competitors,
            shortlist=selectors.ka_shortlist(market=market),
            shipments=market.trial_shipments.select_related("sub_wholesaler")[:20],
            market_dealers=self._dealers(market),
        )
        return context

    def _dealers(self, market):
        """Dealers and dealer candidates of this market, for the customer table."""
        return hooks.market_customers.ask([], user=self.request.user, market=market)

    def _checklist(self, market):
        lines = selectors.market_checklist(market=market)
        ticks = {tick.key: tick for tick in market.checklist_ticks.all()}
        return [
            {
                "key": line.key,
                "label": ChecklistKey(line.key).label,
                "met": line.met,
                "computed": line.computed,
                "manual": line.key not in COMPUTED_KEYS or not line.computed,
                "tick": ticks.get(line.key),
            }
            for line in lines
        ]


@login_required
def market_open(request, code: str | None = None):
    """A manager opens a market for a city or county in their territories, from the
    markets list (territory chosen here) or from the territory page (``code``)."""
    territory = None
    if code is not None:
        territory = get_object_or_404(Territory.objects.for_user(request.user), code=code)
    if not policies.can_open_markets(request.user):
        raise PermissionDenied
    if territory is not None and Market.objects.filter(territory=territory).exists():
        return redirect("markets:market_detail", pk=territory.market.pk)
    form = MarketOpenForm(request.POST or None, user=request.user, territory=territory)
    needs_confirm = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            market = services.market_open(
                territory=data["territory"],
                rep=data["rep"],
                by=request.user,
                income_level=data["income_level"],
                pillar_industries=data["pillar_industries"],
                notes=data["notes"],
                confirm_focus=data["confirm_focus"],
            )
        except services.FocusConfirmationNeeded as exc:
            needs_confirm = True
            apply_errors(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Market opened."))
            return redirect("markets:market_detail", pk=market.pk)
    if not needs_confirm:
        form.fields.pop("confirm_focus")
    if territory is not None and "territory" in form.errors:
        # The territory field is hidden on this page: say what went wrong at the top.
        form.add_error(None, form.errors.pop("territory"))
    return render(request, "markets/market_open.html", {"form": form, "territory": territory})


@login_required
def market_edit(request, pk: int):
    """Managers and HQ edit a market's profile; stale edits are refused, nothing is lost."""
    market = get_object_or_404(selectors.market_list(user=request.user), pk=pk)
    if not (request.user.is_hq or request.user.is_manager):
        raise PermissionDenied
    form = MarketProfileForm(request.POST or None, instance=market)
    needs_confirm = False
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
                by=request.user,
                confirm_focus=data.get("confirm_focus", False),
            )
        except services.FocusConfirmationNeeded as exc:
            needs_confirm = True
            apply_errors(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Market saved."))
            return redirect("markets:market_detail", pk=market.pk)
    if not needs_confirm:
        form.fields.pop("confirm_focus")
    return render(request, "markets/market_form.html", {"form": form, "market": market})


@login_required
def market_status(request, pk: int):
    """Change a market's development status; rule failures explain what would lift them."""
    market = scoped_market(request, pk)
    user = request.user
    if not (policies.can_manage_markets(user) or market.rep_id == user.pk):
        raise PermissionDenied
    form = market_forms.StatusChangeForm(request.POST or None)
    needs = {"override": False, "focus": False}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.market_change_status(
                market_id=market.pk,
                target=data["status"],
                by=user,
                reason=data["reason"],
                override_reason=data["override_reason"],
                confirm_focus=data["confirm_focus"],
            )
        except services.OverrideNeeded as exc:
            needs["override"] = True
            apply_errors(form, exc)
        except services.FocusConfirmationNeeded as exc:
            needs["focus"] = True
            apply_errors(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect("markets:market_detail", pk=market.pk)
    if not (needs["override"] and user.is_hq):
        form.fields.pop("override_reason")
    if not (needs["focus"] and policies.can_manage_markets(user)):
        form.fields.pop("confirm_focus")
    return render(
        request, "markets/market_status.html", {"form": form, "market": market, "needs": needs}
    )


@login_required
@require_POST
def checklist_tick(request, pk: int):
    market = scoped_market(request, pk)
    if not policies.can_manage_markets(request.user):
        raise PermissionDenied
    form = market_forms.ChecklistTickForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_tick(
                market_id=market.pk,
                key=form.cleaned_data["key"],
                met=form.cleaned_data["met"],
                evidence=form.cleaned_data["evidence"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Checklist updated."))
    else:
        messages.error(request, _("Give the evidence for this item."))
    return redirect(reverse("markets:market_detail", args=[market.pk]) + "#checklist")


@login_required
def market_plan(request, pk: int):
    """Managers edit the market plan; reps read it on the market page."""
    market = scoped_market(request, pk)
    if not policies.can_manage_markets(request.user):
        raise PermissionDenied
    plan = MarketPlan.objects.filter(market=market).first() or MarketPlan(market=market)
    form = market_forms.MarketPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.market_plan_save(
                market_id=market.pk,
                expected_updated_at=form.cleaned_data.get("version"),
                **form.plan_values(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("markets:market_detail", pk=market.pk)
    return render(request, "markets/market_plan.html", {"form": form, "market": market})
