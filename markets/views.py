from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.forms import apply_errors
from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin

from . import forms as market_forms
from . import hooks, policies, selectors, services
from .choices import ASSESSMENT_ACTIONS, ChecklistKey, OutletKind, SurveySection
from .filtersets import MarketFilterSet, OutletFilterSet, TerritoryFilterSet
from .forms import MarketProfileForm
from .models import (
    AssessmentRating,
    CompetitorPromotion,
    Market,
    MarketPlan,
    MarketSurvey,
    Outlet,
    OutletImport,
    StoreAssessment,
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
        return context


def _scoped_market(request, pk: int) -> Market:
    return get_object_or_404(
        Market.objects.for_user(request.user).select_related("territory", "rep"), pk=pk
    )


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
        from .rules import COMPUTED_KEYS

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
    market = _scoped_market(request, pk)
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
    market = _scoped_market(request, pk)
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
    market = _scoped_market(request, pk)
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


# --- Surveys -----------------------------------------------------------------------------


@login_required
@require_POST
def survey_start(request, pk: int):
    market = _scoped_market(request, pk)
    form = market_forms.SurveyStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the survey date."))
        return redirect("markets:market_detail", pk=market.pk)
    # A rep owns the surveys they start; a manager starting one files it for the market's rep.
    owner = request.user if request.user.is_rep else (market.rep or request.user)
    survey = services.survey_create(
        market_id=market.pk, rep=owner, surveyed_on=form.cleaned_data["surveyed_on"]
    )
    return redirect("markets:survey_detail", pk=survey.pk)


def _scoped_survey(request, pk: int) -> MarketSurvey:
    return get_object_or_404(
        selectors.survey_list(user=request.user).select_related("market__territory"), pk=pk
    )


ROW_SECTIONS = {
    "ka_store": ("b", market_forms.KAStoreForm),
    "wholesale_market": ("c", market_forms.WholesaleMarketForm),
    "trader": ("c", market_forms.TraderForm),
    "competitor": ("d", market_forms.CompetitorForm),
    "product": ("d", market_forms.CompetitorProductForm),
    "catering": ("e", market_forms.SurveyOutletForm),
    "canteen": ("f", market_forms.SurveyOutletForm),
}


def _survey_forms(survey, *, bound_key=None, bound_form=None):
    """Every form of the survey page, keyed; one of them may be a bound form with errors."""
    forms = {}
    for section in services.SURVEY_SECTION_FIELDS:
        forms[f"section_{section}"] = market_forms.survey_section_form(section)(
            instance=survey, prefix=section
        )
    for key, (_section, form_class) in ROW_SECTIONS.items():
        forms[key] = form_class(prefix=key)
    forms["trader"].fields["wholesale_market"].queryset = survey.market.wholesale_markets.all()
    forms["product"].fields["competitor"].queryset = survey.market.competitors.all()
    if bound_key:
        forms[bound_key] = bound_form
    return forms


def _render_survey(request, survey, forms, status=200):
    market = survey.market
    facts = selectors.survey_facts(survey=survey)
    from .rules import filled_sections

    filled = filled_sections(facts)
    outlets = list(survey.outlets.select_related("wholesale_market").order_by("kind", "name"))
    context = {
        "survey": survey,
        "market": market,
        "forms": forms,
        "filled": filled,
        "sections": SurveySection,
        "can_edit": policies.can_edit_survey(request.user, survey),
        "ka_stores": [o for o in outlets if o.kind == OutletKind.KA_STORE],
        "traders": [o for o in outlets if o.kind == OutletKind.WHOLESALE],
        "catering": [o for o in outlets if o.kind == OutletKind.CATERING],
        "canteens": [o for o in outlets if o.kind == OutletKind.CANTEEN],
        "wholesale_markets": list(survey.wholesale_markets.all()),
        "competitors": list(survey.competitors.prefetch_related("products")),
    }
    return render(request, "markets/survey_detail.html", context, status=status)


@login_required
def survey_detail(request, pk: int):
    survey = _scoped_survey(request, pk)
    return _render_survey(request, survey, _survey_forms(survey))


@login_required
@require_POST
def survey_save(request, pk: int, part: str):
    """Save one section or add one row; a half-filled survey is fine and saved as is."""
    survey = _scoped_survey(request, pk)
    if not policies.can_edit_survey(request.user, survey):
        raise PermissionDenied
    if part in services.SURVEY_SECTION_FIELDS:
        form = market_forms.survey_section_form(part)(request.POST, instance=survey, prefix=part)
        key = f"section_{part}"
        anchor = part
    elif part in ROW_SECTIONS:
        anchor, form_class = ROW_SECTIONS[part]
        form = form_class(request.POST, prefix=part)
        key = part
        if part == "trader":
            form.fields["wholesale_market"].queryset = survey.market.wholesale_markets.all()
        if part == "product":
            form.fields["competitor"].queryset = survey.market.competitors.all()
    else:
        raise Http404
    if form.is_valid():
        try:
            _save_survey_part(request, survey, part, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                reverse("markets:survey_detail", args=[survey.pk]) + f"#section-{anchor}"
            )
    survey.refresh_from_db()
    return _render_survey(
        request, survey, _survey_forms(survey, bound_key=key, bound_form=form), status=422
    )


@login_required
@require_POST
def survey_remove(request, pk: int, kind: str, row_id: int):
    survey = _scoped_survey(request, pk)
    if not policies.can_edit_survey(request.user, survey):
        raise PermissionDenied
    try:
        services.survey_remove_row(survey_id=survey.pk, kind=kind, row_id=row_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed."))
    return redirect(
        reverse("markets:survey_detail", args=[survey.pk]) + f"#{request.POST.get('back', '')}"
    )


def _save_survey_part(request, survey, part, data):
    if part in services.SURVEY_SECTION_FIELDS:
        values = {name: data[name] for name in services.SURVEY_SECTION_FIELDS[part]}
        services.survey_update(
            survey_id=survey.pk, values=values, expected_updated_at=data.get("version")
        )
    elif part == "wholesale_market":
        services.survey_add_wholesale_market(survey_id=survey.pk, **data)
    elif part == "competitor":
        services.competitor_save(market_id=survey.market_id, survey_id=survey.pk, **data)
    elif part == "product":
        competitor = data.pop("competitor")
        services.competitor_add_product(competitor_id=competitor.pk, **data)
    else:
        kind = {
            "ka_store": OutletKind.KA_STORE,
            "trader": OutletKind.WHOLESALE,
            "catering": OutletKind.CATERING,
            "canteen": OutletKind.CANTEEN,
        }[part]
        wholesale = data.pop("wholesale_market", None)
        services.survey_add_outlet(
            survey_id=survey.pk,
            kind=kind,
            wholesale_market_id=wholesale.pk if wholesale else None,
            **data,
        )


# --- Outlets: list, import, export -------------------------------------------------------


class OutletListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    """All outlets of a market (the full outlet table behind the market page)."""

    model = Outlet
    filterset_class = OutletFilterSet
    template_name = "markets/outlet_list.html"
    partial_template_name = "markets/partials/_outlet_table.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.market = _scoped_market(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            selectors.market_outlets(market=self.market)
            .select_related("territory")
            .order_by("kind", "name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["market"] = self.market
        return context


@login_required
def outlet_export(request, pk: int):
    market = _scoped_market(request, pk)
    outlets = OutletFilterSet(
        request.GET or None,
        queryset=selectors.market_outlets(market=market)
        .for_user(request.user)
        .select_related("territory")
        .order_by("kind", "name", "id"),
    ).qs
    content = services.outlets_export_xlsx(outlets=outlets)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"outlets-{market.territory.code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def outlet_import(request, pk: int):
    """Upload a file: it is checked and previewed; nothing is imported until confirmed."""
    market = _scoped_market(request, pk)
    form = market_forms.OutletImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", _("The file may be at most 5 MB."))
        else:
            batch = services.outlet_import_prepare(
                market_id=market.pk, by=request.user, filename=upload.name, content=upload.read()
            )
            return redirect("markets:outlet_import_preview", pk=market.pk, import_id=batch.pk)
    return render(request, "markets/outlet_import.html", {"form": form, "market": market})


def _scoped_import(request, market, import_id):
    return get_object_or_404(
        OutletImport.objects.for_user(request.user),
        pk=import_id,
        market=market,
        uploaded_by=request.user,
    )


@login_required
def outlet_import_preview(request, pk: int, import_id: int):
    market = _scoped_market(request, pk)
    batch = _scoped_import(request, market, import_id)
    if request.method == "POST":
        try:
            services.outlet_import_apply(
                import_id=batch.pk,
                by=request.user,
                accept_errors=request.POST.get("accept_errors") == "1",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            batch.refresh_from_db()
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated.")
                % {"created": batch.created_count, "updated": batch.updated_count},
            )
            return redirect("markets:outlet_list", pk=market.pk)
    return render(
        request,
        "markets/outlet_import_preview.html",
        {"market": market, "batch": batch, "preview": batch.rows[:200]},
    )


# --- Competitors, KA assessments, trial sales --------------------------------------------


def _promotion_form(market, data=None, files=None):
    form = market_forms.CompetitorPromotionForm(data, files, prefix="promo")
    form.fields["competitor"].queryset = market.competitors.all()
    form.fields["outlet"].queryset = selectors.market_outlets(market=market).order_by("name")
    return form


@login_required
def competitor_list(request, pk: int):
    """Competitor intelligence of a market: brands (top 5 highlighted), products, promotions."""
    market = _scoped_market(request, pk)
    competitor_form = market_forms.CompetitorForm(prefix="comp")
    product_form = market_forms.CompetitorProductForm(prefix="prod")
    product_form.fields["competitor"].queryset = market.competitors.all()
    promotion_form = _promotion_form(market)
    status = 200
    if request.method == "POST":
        part = request.POST.get("part")
        try:
            if part == "competitor":
                competitor_form = market_forms.CompetitorForm(request.POST, prefix="comp")
                if competitor_form.is_valid():
                    services.competitor_save(market_id=market.pk, **competitor_form.cleaned_data)
                    return _saved(request, "markets:competitor_list", market.pk)
            elif part == "product":
                product_form = market_forms.CompetitorProductForm(request.POST, prefix="prod")
                product_form.fields["competitor"].queryset = market.competitors.all()
                if product_form.is_valid():
                    data = dict(product_form.cleaned_data)
                    services.competitor_add_product(competitor_id=data.pop("competitor").pk, **data)
                    return _saved(request, "markets:competitor_list", market.pk)
            elif part == "promotion":
                promotion_form = _promotion_form(market, request.POST, request.FILES)
                if promotion_form.is_valid():
                    data = promotion_form.cleaned_data
                    services.competitor_add_promotion(
                        competitor_id=data["competitor"].pk,
                        seen_on=data["seen_on"],
                        description=data["description"],
                        outlet_id=data["outlet"].pk if data["outlet"] else None,
                        photo=data["photo"],
                        by=request.user,
                    )
                    return _saved(request, "markets:competitor_list", market.pk)
        except ValidationError as exc:
            target = {"competitor": competitor_form, "product": product_form}.get(
                part, promotion_form
            )
            apply_errors(target, exc)
        status = 422
    return render(
        request,
        "markets/competitor_list.html",
        {
            "market": market,
            "competitors": selectors.market_competitors(market=market),
            "competitor_form": competitor_form,
            "product_form": product_form,
            "promotion_form": promotion_form,
        },
        status=status,
    )


def _saved(request, name, pk):
    messages.success(request, _("Saved."))
    return redirect(name, pk=pk)


@login_required
def assessment_create(request, pk: int):
    """Assess a KA store on the ten actions (phone form)."""
    outlet = get_object_or_404(
        Outlet.objects.for_user(request.user).select_related("territory"),
        pk=pk,
        kind=OutletKind.KA_STORE,
    )
    form = market_forms.AssessmentForm(
        request.POST or None,
        request.FILES or None,
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ratings = [
            services.RatingInput(
                action=number,
                rating=data[f"rating_{number}"],
                note=data[f"note_{number}"],
                photo=data[f"photo_{number}"],
            )
            for number in range(1, 11)
        ]
        try:
            assessment = services.assessment_create(
                outlet_id=outlet.pk,
                by=request.user,
                assessed_on=data["assessed_on"],
                estimated_monthly_volume=data["estimated_monthly_volume"],
                ratings=ratings,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Assessment saved: score %(score)d.") % {"score": assessment.score}
            )
            market = (
                Market.objects.filter(territory__path__in=_ancestor_and_self(outlet.territory.path))
                .order_by("-territory__depth")
                .first()
            )
            if market:
                return redirect(reverse("markets:market_detail", args=[market.pk]) + "#shortlist")
            return redirect("markets:market_list")
    return render(request, "markets/assessment_form.html", {"form": form, "outlet": outlet})


def _ancestor_and_self(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


@login_required
def assessment_detail(request, pk: int):
    """One store assessment: the ten ratings with notes and photos."""
    assessment = get_object_or_404(
        StoreAssessment.objects.for_user(request.user).select_related(
            "outlet__territory", "assessed_by"
        ),
        pk=pk,
    )
    labels = dict(ASSESSMENT_ACTIONS)
    ratings = [
        {"rating": rating, "label": labels.get(rating.action, "")}
        for rating in assessment.ratings.all()
    ]
    return render(
        request,
        "markets/assessment_detail.html",
        {"assessment": assessment, "ratings": ratings},
    )


@login_required
def trial_shipment_create(request, pk: int):
    market = _scoped_market(request, pk)
    form = market_forms.TrialShipmentForm(request.POST or None)
    form.fields["sub_wholesaler"].queryset = (
        selectors.market_outlets(market=market).filter(kind=OutletKind.WHOLESALE).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.trial_shipment_create(
                market_id=market.pk,
                sub_wholesaler_id=data.pop("sub_wholesaler").pk,
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(reverse("markets:market_detail", args=[market.pk]) + "#trial")
    return render(request, "markets/trial_form.html", {"form": form, "market": market})


@login_required
def photo(request, kind: str, pk: int):
    """Serve an uploaded photo only to users whose scope covers its record."""
    models = {"promotion": CompetitorPromotion, "rating": AssessmentRating}
    if kind not in models:
        raise Http404
    record = get_object_or_404(models[kind].objects.for_user(request.user), pk=pk)
    if not record.photo:
        raise Http404
    response = FileResponse(record.photo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
