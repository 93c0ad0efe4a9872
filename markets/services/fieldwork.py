"""Competitor intelligence, KA store assessments and trial shipments."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core import uploads

from .. import rules
from ..choices import OutletKind
from ..models import (
    AssessmentRating,
    Competitor,
    CompetitorProduct,
    CompetitorPromotion,
    Market,
    Outlet,
    StoreAssessment,
    TrialShipment,
)
from .surveys import survey_refresh_completeness


@transaction.atomic
def competitor_save(
    *,
    market_id: int,
    brand: str,
    estimated_monthly_volume=None,
    main_advantage: str = "",
    survey_id: int | None = None,
):
    """Create or update a competitor of a market by brand."""

    brand = brand.strip()
    if not brand:
        raise ValidationError({"brand": _("The brand is required.")})
    competitor, _created = Competitor.objects.update_or_create(
        market_id=market_id,
        brand=brand,
        defaults={
            "estimated_monthly_volume": estimated_monthly_volume,
            "main_advantage": main_advantage.strip(),
            **({"survey_id": survey_id} if survey_id else {}),
        },
    )
    if survey_id:
        survey_refresh_completeness(survey_id=survey_id)
    return competitor


@transaction.atomic
def competitor_add_product(
    *, competitor_id: int, name: str, spec: str = "", price=None, is_new_launch: bool = False
):

    competitor = Competitor.objects.get(pk=competitor_id)
    product = CompetitorProduct(
        competitor=competitor,
        name=name.strip(),
        spec=spec.strip(),
        price=price,
        is_new_launch=is_new_launch,
    )
    product.full_clean()
    product.save()
    if competitor.survey_id:
        survey_refresh_completeness(survey_id=competitor.survey_id)
    return product


@transaction.atomic
def competitor_add_promotion(
    *, competitor_id: int, seen_on, description: str, by, outlet_id=None, photo=None
):

    competitor = Competitor.objects.select_related("market__territory").get(pk=competitor_id)
    if (
        outlet_id
        and not Outlet.objects.filter(
            pk=outlet_id, territory__path__startswith=competitor.market.territory.path
        ).exists()
    ):
        raise ValidationError({"outlet": _("Pick an outlet of this market.")})
    promotion = CompetitorPromotion(
        competitor=competitor,
        seen_on=seen_on,
        description=description.strip(),
        outlet_id=outlet_id,
        reported_by=by,
    )
    if photo is not None:
        promotion.photo = uploads.clean_photo(photo)
    promotion.full_clean()
    promotion.save()
    return promotion


@dataclass(frozen=True)
class RatingInput:
    action: int
    rating: int
    note: str = ""
    photo: object | None = None


@transaction.atomic
def assessment_create(
    *, outlet_id: int, by, assessed_on, estimated_monthly_volume, ratings: list[RatingInput]
):
    """Record a KA store assessment; the 0–100 score comes from markets.rules.store_score."""

    outlet = Outlet.objects.get(pk=outlet_id)
    if outlet.kind != OutletKind.KA_STORE:
        raise ValidationError({"outlet": _("Only KA stores are assessed.")})
    actions = sorted(item.action for item in ratings)
    if actions != list(range(1, rules.ASSESSMENT_ACTION_COUNT + 1)):
        raise ValidationError({"ratings": _("Rate each of the ten actions once.")})
    try:
        score = rules.store_score([item.rating for item in sorted(ratings, key=lambda r: r.action)])
    except ValueError as exc:
        raise ValidationError({"ratings": _("Each rating is a whole number from 1 to 5.")}) from exc
    if estimated_monthly_volume is None or estimated_monthly_volume < 0:
        raise ValidationError(
            {"estimated_monthly_volume": _("Enter the estimated monthly volume.")}
        )
    assessment = StoreAssessment(
        outlet=outlet,
        assessed_by=by,
        assessed_on=assessed_on,
        score=score,
        estimated_monthly_volume=estimated_monthly_volume,
    )
    assessment.full_clean()
    assessment.save()
    rows = []
    for item in ratings:
        row = AssessmentRating(
            assessment=assessment, action=item.action, rating=item.rating, note=item.note.strip()
        )
        if item.photo is not None:
            row.photo = uploads.clean_photo(item.photo)
        rows.append(row)
    AssessmentRating.objects.bulk_create(rows)
    return assessment


@transaction.atomic
def trial_shipment_create(
    *,
    market_id: int,
    sub_wholesaler_id: int,
    shipped_on,
    product: str,
    quantity: int,
    amount,
    introduced_by: str = "",
    by=None,
):

    market = Market.objects.select_related("territory").get(pk=market_id)
    if not Outlet.objects.filter(
        pk=sub_wholesaler_id,
        kind=OutletKind.WHOLESALE,
        territory__path__startswith=market.territory.path,
    ).exists():
        raise ValidationError(
            {"sub_wholesaler": _("Pick a wholesale trader (二批商) of this market.")}
        )
    shipment = TrialShipment(
        market=market,
        sub_wholesaler_id=sub_wholesaler_id,
        shipped_on=shipped_on,
        product=product.strip(),
        quantity=quantity,
        amount=amount,
        introduced_by=introduced_by.strip(),
        recorded_by=by,
    )
    shipment.full_clean()
    shipment.save()
    return shipment
