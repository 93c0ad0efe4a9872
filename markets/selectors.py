"""Reads for markets and territories, always through the user's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from . import hooks, rules
from .choices import ChecklistKey, MarketStatus, OutletKind, TerritoryLevel
from .models import (
    ChecklistCriterion,
    ChecklistTick,
    Competitor,
    CompetitorPromotion,
    Market,
    MarketPlan,
    MarketSurvey,
    Outlet,
    StoreAssessment,
    Territory,
)

# How bulk writes resolve a code to a row in the caller's scope (``core.bulk.Batch.resolve``):
# (queryset, code lookup, path lookup).
TERRITORY_BY_CODE = (Territory.objects, "code", "path")
MARKET_BY_CODE = (Market.objects, "territory__code", "territory__path")


def territory_list(*, user) -> QuerySet[Territory]:
    return Territory.objects.for_user(user).select_related("parent")


def market_list(*, user) -> QuerySet[Market]:
    """Markets in scope, each annotated with its latest survey's completeness (or -1)."""
    latest = MarketSurvey.objects.filter(market=OuterRef("pk")).order_by("-surveyed_on", "-id")
    return (
        Market.objects.for_user(user)
        .select_related("territory", "territory__parent", "rep")
        .annotate(
            survey_completeness=Coalesce(
                Subquery(latest.values("completeness")[:1]), -1, output_field=IntegerField()
            )
        )
    )


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


def _plan(market: Market) -> MarketPlan | None:
    try:
        return market.plan
    except MarketPlan.DoesNotExist:
        return None


def required_capacity(*, market: Market) -> RequiredCapacity:
    """The capacity the dealer scorecard's strength fit compares a candidate against.

    Read from the market plan; where the plan leaves a figure empty, working capital falls
    back to the spec's defaults (key city ¥500,000, otherwise ¥200,000) and the other
    measures have no requirement. Covered outlets = sum of outlets per planned channel.
    """
    is_key_city = market.territory.strength_tier == "key"
    default_capital = (
        DEFAULT_WORKING_CAPITAL_KEY_CITY if is_key_city else DEFAULT_WORKING_CAPITAL_OTHER
    )
    plan = _plan(market)
    if plan is None:
        return RequiredCapacity(
            working_capital=default_capital,
            warehouse_m2=None,
            deliverable_outlets_per_week=None,
            covered_outlets=None,
            is_key_city=is_key_city,
        )
    outlets = [
        row["outlets"]
        for row in (plan.channel_plan or {}).values()
        if row.get("outlets") is not None
    ]
    return RequiredCapacity(
        working_capital=(
            plan.working_capital if plan.working_capital is not None else default_capital
        ),
        warehouse_m2=plan.warehouse_m2,
        deliverable_outlets_per_week=plan.deliverable_outlets_per_week,
        covered_outlets=sum(outlets) if outlets else None,
        is_key_city=is_key_city,
    )


def market_has_survey(*, market: Market) -> bool:
    """Whether a market survey exists for the market (dealer pipeline rule 1)."""
    return MarketSurvey.objects.filter(market_id=market.pk).exists()


def survey_completeness(*, market_ids: Iterable[int]) -> dict[int, int]:
    """The most complete market survey of each market, in % (markets without one are
    absent): dealer pipeline rule 1 needs one complete enough."""
    return dict(
        MarketSurvey.objects.filter(market_id__in=list(market_ids))
        .values_list("market_id")
        .annotate(best=Max("completeness"))
        .order_by()
    )


# --- Success checklist ------------------------------------------------------------------

DEFAULT_CHECKLIST = [key.value for key in ChecklistKey]


def checklist_keys(*, level: str) -> list[str]:
    """The checklist configured for a territory level, or the spec's defaults."""
    configured = list(ChecklistCriterion.objects.filter(level=level).values_list("key", "enabled"))
    if not configured:
        return list(DEFAULT_CHECKLIST)
    return [key for key, enabled in configured if enabled]


def _dealer_channels(market: Market) -> frozenset[str] | None:
    """None (the item is ticked by hand) when no app answers."""
    channels = hooks.market_dealer_channels.ask(None, market=market)
    return None if channels is None else frozenset(channels)


def market_checklist(*, market: Market) -> list[rules.ChecklistLine]:
    plan = _plan(market)
    facts = rules.ChecklistFacts(
        planned_channels=frozenset(plan.planned_channels) if plan else frozenset(),
        dealer_channels=_dealer_channels(market),
        planned_ka_stores=plan.planned_ka_stores if plan else None,
        ka_stores_entered=Outlet.objects.filter(
            territory__path__startswith=market.territory.path, kind=OutletKind.KA_STORE
        ).count(),
    )
    ticked = dict(ChecklistTick.objects.filter(market=market).values_list("key", "met"))
    return rules.evaluate_checklist(checklist_keys(level=market.territory.level), facts, ticked)


# --- Surveys ----------------------------------------------------------------------------


def survey_facts(*, survey: MarketSurvey) -> rules.SurveyFacts:
    kinds = dict(survey.outlets.values_list("kind").annotate(n=Count("id")).order_by())
    ka_listed = survey.outlets.filter(kind=OutletKind.KA_STORE).exclude(address="").count()
    return rules.SurveyFacts(
        county_count=survey.county_count,
        town_count=survey.town_count,
        ka_store_count=survey.ka_store_count,
        ka_stores_listed=ka_listed,
        wholesale_markets=survey.wholesale_markets.count(),
        competitors_with_products=survey.competitors.filter(products__isnull=False)
        .distinct()
        .count(),
        catering_outlets=kinds.get(OutletKind.CATERING, 0),
        catering_none=survey.catering_none,
        canteens=kinds.get(OutletKind.CANTEEN, 0),
        canteens_none=survey.canteens_none,
    )


def survey_list(*, user) -> QuerySet[MarketSurvey]:
    return MarketSurvey.objects.for_user(user).select_related("market__territory", "rep")


# --- The market page ("一图两表") --------------------------------------------------------

MAP_POINT_LIMIT = 2000
TABLE_ROWS = 30


def market_outlets(*, market: Market) -> QuerySet[Outlet]:
    return Outlet.objects.filter(territory__path__startswith=market.territory.path)


def market_map_points(*, market: Market) -> dict[str, list]:
    """Points for the offline ECharts scatter: [lon, lat, name] per outlet kind, one query each."""
    points: dict[str, list] = {kind.value: [] for kind in OutletKind}
    rows = (
        market_outlets(market=market)
        .filter(longitude__isnull=False, latitude__isnull=False)
        .values_list("kind", "longitude", "latitude", "name")[:MAP_POINT_LIMIT]
    )
    # Both queries filter isnull=False; the stubs type values_list's columns as nullable anyway.
    for kind, lon, lat, name in rows:
        points[kind].append([float(lon), float(lat), name])  # type: ignore[arg-type]
    points["wholesale_market"] = [
        [float(lon), float(lat), name]  # type: ignore[arg-type]
        for lon, lat, name in market.wholesale_markets.filter(
            longitude__isnull=False, latitude__isnull=False
        ).values_list("longitude", "latitude", "name")
    ]
    return points


def plan_vs_actual(*, market: Market, plan: MarketPlan | None) -> list[dict]:
    """Rows of (label, planned, actual) the manager reads at a glance: KA stores entered
    against the plan, then outlets per channel (planned outlets vs outlets on record)."""
    from .choices import OUTLET_KIND_CHANNEL, Channel

    counts = dict(
        market_outlets(market=market).values_list("kind").annotate(n=Count("id")).order_by()
    )
    actual_by_channel = {OUTLET_KIND_CHANNEL[OutletKind(kind)]: n for kind, n in counts.items()}
    rows = [
        {
            "label": _("KA stores entered"),
            "planned": plan.planned_ka_stores if plan else None,
            "actual": counts.get(OutletKind.KA_STORE, 0),
        }
    ]
    channel_plan = plan.channel_plan if plan else {}
    for channel in Channel:
        planned = (channel_plan.get(channel.value) or {}).get("outlets")
        actual = actual_by_channel.get(channel, 0)
        if planned is None and not actual:
            continue
        rows.append({"label": channel.label, "planned": planned, "actual": actual})
    return rows


def ka_shortlist(*, market: Market, limit: int = 20) -> list[StoreAssessment]:
    """The latest assessment of each KA store in the market, best score first (样板 shortlist)."""
    latest = (
        StoreAssessment.objects.filter(outlet__territory__path__startswith=market.territory.path)
        .order_by("outlet_id", "-assessed_on", "-id")
        .distinct("outlet_id")
        .values("id")
    )
    return list(
        StoreAssessment.objects.filter(id__in=Subquery(latest))
        .select_related("outlet", "assessed_by")
        .order_by("-score", "-estimated_monthly_volume", "outlet__name")[:limit]
    )


def market_competitors(*, market: Market) -> list[Competitor]:
    return list(
        market.competitors.prefetch_related(
            "products",
            Prefetch(
                "promotions",
                queryset=CompetitorPromotion.objects.select_related("outlet"),
            ),
        )
    )


def funnel(*, user, queryset=None) -> list[dict]:
    """Markets per status in pipeline order (paused last) for the overview funnel chart."""
    queryset = queryset if queryset is not None else Market.objects.for_user(user)
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"value": status.value, "name": str(status.label), "count": counts.get(status.value, 0)}
        for status in MarketStatus
    ]


def province_choices(*, user) -> list[tuple[str, str]]:
    return list(
        Territory.objects.for_user(user)
        .filter(level=TerritoryLevel.PROVINCE)
        .values_list("code", "name")
    )
