"""Reads for markets and territories, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from .choices import MarketStatus
from .models import Market, Territory


def territory_list(*, user) -> QuerySet[Territory]:
    return Territory.objects.for_user(user).select_related("parent")


def market_list(*, user) -> QuerySet[Market]:
    return Market.objects.for_user(user).select_related("territory", "territory__parent", "rep")


def dashboard_summary(*, user) -> dict[str, object]:
    """Counts of markets per status in the user's scope, in pipeline order."""
    counts = dict(Market.objects.for_user(user).values_list("status").annotate(n=Count("id")))
    statuses = [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in MarketStatus
    ]
    return {
        "statuses": statuses,
        "market_total": sum(counts.values()),
        "territory_total": Territory.objects.for_user(user).count(),
    }


# --- Interfaces other apps rely on ------------------------------------------------------

DEFAULT_WORKING_CAPITAL_KEY_CITY = Decimal("500000")
DEFAULT_WORKING_CAPITAL_OTHER = Decimal("200000")


@dataclass(frozen=True)
class RequiredCapacity:
    """What the company needs from a dealer in a market; None = no requirement set."""

    working_capital: Decimal | None
    warehouse_m2: Decimal | None
    deliverable_outlets_per_week: int | None
    covered_outlets: int | None
    is_key_city: bool


def required_capacity(*, market: Market) -> RequiredCapacity:
    """The capacity the dealer scorecard's strength fit compares a candidate against.

    Until a market plan sets figures, working capital falls back to the spec's defaults
    (key city ¥500,000, otherwise ¥200,000) and the other measures have no requirement.
    """
    is_key_city = market.territory.strength_tier == "key"
    return RequiredCapacity(
        working_capital=(
            DEFAULT_WORKING_CAPITAL_KEY_CITY if is_key_city else DEFAULT_WORKING_CAPITAL_OTHER
        ),
        warehouse_m2=None,
        deliverable_outlets_per_week=None,
        covered_outlets=None,
        is_key_city=is_key_city,
    )


def market_has_survey(*, market: Market) -> bool:
    """Whether a market survey exists (dealer pipeline rule 1); surveys arrive with issue 3."""
    surveys = getattr(market, "surveys", None)
    return bool(surveys is not None and surveys.exists())
