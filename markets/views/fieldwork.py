"""Competitor intelligence, KA store assessments, trial shipments and photos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core.forms import apply_errors

from .. import forms as market_forms
from .. import selectors, services
from ..choices import ASSESSMENT_ACTIONS, OutletKind
from ..models import (
    AssessmentRating,
    CompetitorPromotion,
    Market,
    Outlet,
    StoreAssessment,
)
from .base import saved, scoped_market


def _promotion_form(market, data=None, files=None):
    form = market_forms.CompetitorPromotionForm(data, files, prefix="promo")
    form.fields["competitor"].queryset = market.competitors.all()
    form.fields["outlet"].queryset = selectors.market_outlets(market=market).order_by("name")
    return form


@login_required
def competitor_list(request, pk: int):
    """Competitor intelligence of a market: brands (top 5 highlighted), products, promotions."""
    market = scoped_market(request, pk)
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
                    return saved(request, "markets:competitor_list", market.pk)
            elif part == "product":
                product_form = market_forms.CompetitorProductForm(request.POST, prefix="prod")
                product_form.fields["competitor"].queryset = market.competitors.all()
                if product_form.is_valid():
                    data = dict(product_form.cleaned_data)
                    services.competitor_add_product(competitor_id=data.pop("competitor").pk, **data)
                    return saved(request, "markets:competitor_list", market.pk)
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
                    return saved(request, "markets:competitor_list", market.pk)
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
    market = scoped_market(request, pk)
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
