"""Market surveys (sections A–F): partial saves, rows and completeness."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from dealerhub.core.concurrency import refuse_stale

from .. import rules
from ..models import Competitor, CompetitorProduct, Market, MarketSurvey, Outlet, WholesaleMarket
from ..selectors import survey_facts

SURVEY_SECTION_FIELDS = {
    "a": ("county_count", "town_count", "population_notes"),
    "b": ("ka_store_count",),
    "e": ("catering_none",),
    "f": ("canteens_none",),
    "costs": ("small_store_count", "supermarket_count", "hotel_count", "entry_fee", "other_fees"),
    "features": ("residential_compounds", "big_employers", "cross_border_hubs"),
}


def survey_refresh_completeness(*, survey_id: int) -> int:
    """Recompute and store a survey's completeness; returns the percent."""

    survey = MarketSurvey.objects.get(pk=survey_id)
    percent = rules.completeness(survey_facts(survey=survey))
    MarketSurvey.objects.filter(pk=survey_id).exclude(completeness=percent).update(
        completeness=percent
    )
    return percent


@transaction.atomic
def survey_create(*, market_id: int, rep, surveyed_on, external_code: str | None = None):
    """Start a survey; section A is prefilled from the territory tree."""

    market = Market.objects.select_related("territory").get(pk=market_id)
    survey = MarketSurvey(
        market=market,
        rep=rep,
        surveyed_on=surveyed_on,
        external_code=external_code or None,
    )
    survey.full_clean()
    survey.save()
    survey_refresh_completeness(survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


@transaction.atomic
def survey_update(*, survey_id: int, values: dict, expected_updated_at=None):
    """Save any subset of a survey's own fields (a half-done section is fine)."""

    allowed = {name for names in SURVEY_SECTION_FIELDS.values() for name in names}
    allowed |= {"surveyed_on", "external_code"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    survey = MarketSurvey.objects.select_for_update().get(pk=survey_id)
    refuse_stale(survey.updated_at, expected_updated_at)
    for name, value in values.items():
        setattr(survey, name, value)
    if survey.external_code == "":
        survey.external_code = None
    survey.full_clean()
    survey.save()
    survey_refresh_completeness(survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


def check_coordinates(longitude, latitude) -> None:
    if (longitude is None) != (latitude is None):
        raise ValidationError({"longitude": _("Give both longitude and latitude, or neither.")})


@transaction.atomic
def survey_add_outlet(
    *,
    survey_id: int,
    kind: str,
    name: str,
    address: str = "",
    longitude=None,
    latitude=None,
    contact_name: str = "",
    contact_phone: str = "",
    wholesale_market_id: int | None = None,
):
    """Record an outlet found in a survey (KA store, trader, catering outlet, canteen)."""

    survey = MarketSurvey.objects.select_related("market__territory").get(pk=survey_id)
    check_coordinates(longitude, latitude)
    if (
        wholesale_market_id is not None
        and not WholesaleMarket.objects.filter(
            pk=wholesale_market_id, market_id=survey.market_id
        ).exists()
    ):
        raise ValidationError({"wholesale_market": _("Pick a wholesale market of this market.")})
    outlet = Outlet(
        territory=survey.market.territory,
        kind=kind,
        name=name.strip(),
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        survey=survey,
        wholesale_market_id=wholesale_market_id,
    )
    outlet.full_clean()
    outlet.save()
    survey_refresh_completeness(survey_id=survey.pk)
    return outlet


@transaction.atomic
def survey_add_wholesale_market(
    *,
    survey_id: int,
    name: str,
    location: str,
    goods_flow: str,
    longitude=None,
    latitude=None,
):

    survey = MarketSurvey.objects.get(pk=survey_id)
    check_coordinates(longitude, latitude)
    wholesale = WholesaleMarket(
        market_id=survey.market_id,
        survey=survey,
        name=name.strip(),
        location=location.strip(),
        goods_flow=goods_flow,
        longitude=longitude,
        latitude=latitude,
    )
    wholesale.full_clean()
    wholesale.save()
    survey_refresh_completeness(survey_id=survey.pk)
    return wholesale


@transaction.atomic
def survey_remove_row(*, survey_id: int, kind: str, row_id: int) -> None:
    """Remove a row a survey recorded by mistake (an outlet, wholesale market or competitor).

    Only rows linked to this survey can be removed; an outlet other records already use
    (visits, key accounts, trial shipments) is kept and reported.
    """

    models = {
        "outlet": (Outlet, {"survey_id": survey_id}),
        "wholesale_market": (WholesaleMarket, {"survey_id": survey_id}),
        "competitor": (Competitor, {"survey_id": survey_id}),
        "product": (CompetitorProduct, {"competitor__survey_id": survey_id}),
    }
    if kind not in models:
        raise ValidationError(_("Unknown row type."))
    model, lookup = models[kind]
    row = model._default_manager.filter(pk=row_id, **lookup).first()
    if row is None:
        raise ValidationError(_("This row is not part of the survey."))
    try:
        row.delete()
    except ProtectedError as exc:
        raise ValidationError(_("This record is used elsewhere and cannot be removed.")) from exc
    survey_refresh_completeness(survey_id=survey_id)
