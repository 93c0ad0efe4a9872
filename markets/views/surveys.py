"""Market surveys (sections A–F), saved part by part."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealerhub.core.forms import apply_errors

from .. import forms as market_forms
from .. import policies, selectors, services
from ..choices import OutletKind, SurveySection
from ..models import (
    MarketSurvey,
)
from ..rules import filled_sections
from .base import scoped_market


@login_required
@require_POST
def survey_start(request, pk: int):
    market = scoped_market(request, pk)
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
