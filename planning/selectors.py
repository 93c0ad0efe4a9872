"""Reads of targets: the grid of a region's year, last year's figures, revisions and the
totals the achievement drill-down compares actuals with. Every read is scoped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from dealers.models import Dealer
from markets.choices import TerritoryLevel
from markets.models import Market, Territory

from . import rules
from .choices import MONTHS
from .models import RegionalFigure, Target, TargetPlan, TargetRevision

ZERO = Decimal(0)


def region_for_user(*, user, code: str) -> Territory | None:
    """The region (province) with this code if the user reaches it: assigned to it (or
    HQ), or assigned a territory inside it (a rep reads the rows of their markets)."""
    region = Territory.objects.filter(code=code, level=TerritoryLevel.PROVINCE).first()
    if region is None or not user.is_authenticated:
        return None
    if user.sees_everything:
        return region
    paths = user.scope_paths
    if any(region.path.startswith(p) or p.startswith(region.path) for p in paths):
        return region
    return None


def regions_for_user(*, user) -> list[Territory]:
    """The regions the user reaches (see :func:`region_for_user`), in tree order."""
    regions = Territory.objects.filter(level=TerritoryLevel.PROVINCE).order_by("path")
    if user.sees_everything:
        return list(regions)
    roots = {path.split("/")[0] + "/" for path in user.scope_paths}
    return [region for region in regions if region.path in roots]


def key_in_scope(*, user, key: str) -> bool:
    """Whether a target key names a market in the user's scope (and one of its dealers)."""
    parts = rules.parse_key(key)
    if parts is None:
        return False
    markets = Market.objects.for_user(user).filter(territory__code=parts.territory_code)
    if parts.dealer_code:
        markets = markets.filter(dealers__external_code=parts.dealer_code)
    return markets.exists()


def last_year_shares(
    *, user, territory_ids: Sequence[int], year: int, measure: str
) -> dict[int, dict[int, Decimal]]:
    """Last year's figure per market and month: {territory id: {month: value}}.

    The one source of "last year" for the grid's grey figures, the market shares and
    the seasonality of the split helpers. Targets until actuals exist: when the sales
    app brings sell-in and collections, this function reads achievement instead, and
    nothing else changes.
    """
    rows = (
        Target.objects.for_user(user)
        .filter(year=year - 1, measure=measure, territory_id__in=territory_ids, dealer=None)
        .values_list("territory_id", "month", "value")
    )
    shares: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for territory_id, month, value in rows:
        shares[territory_id][month] = value
    return dict(shares)


def market_shares(last_year: dict[int, dict[int, Decimal]], territory_ids: Sequence[int]):
    """Each market's share of the region: its last-year annual figure."""
    return {tid: sum(last_year.get(tid, {}).values(), ZERO) for tid in territory_ids}


def seasonality(last_year: dict[int, dict[int, Decimal]], territory_id: int | None = None):
    """A market's monthly pattern from last year; the region's when the market had none
    (or ``territory_id`` is None); equal months when there is nothing at all."""
    own = last_year.get(territory_id, {}) if territory_id is not None else {}
    if any(own.values()):
        return own
    pattern: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for months in last_year.values():
        for month, value in months.items():
            pattern[month] += value
    return dict(pattern)


@dataclass
class GridRow:
    """One line of the grid: a market (dealer None) or one of its dealers."""

    key: str
    territory_id: int
    code: str
    label: str
    dealer_id: int | None = None
    dealer_code: str = ""
    values: dict[int, Decimal | None] = field(default_factory=dict)
    last_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def is_dealer(self) -> bool:
        return self.dealer_id is not None

    @property
    def total(self) -> Decimal:
        return sum((v for v in self.values.values() if v is not None), ZERO)

    @property
    def last_year_total(self) -> Decimal:
        return sum(self.last_year.values(), ZERO)

    @property
    def months(self) -> list[tuple[int, Decimal | None, Decimal | None]]:
        return [(m, self.values.get(m), self.last_year.get(m)) for m in MONTHS]


def market_month_totals(rows: list[GridRow]) -> list[Decimal]:
    """Month totals over the market rows (dealer rows split a market's figure, so they
    are not added again)."""
    markets = [row for row in rows if not row.is_dealer]
    return [sum((r.values.get(m) or ZERO for r in markets), ZERO) for m in MONTHS]


@dataclass
class GridGroup:
    """The markets of one sub-region (片区), or those in none (``name`` empty)."""

    name: str
    rows: list[GridRow]

    @property
    def month_totals(self) -> list[Decimal]:
        return market_month_totals(self.rows)

    @property
    def total(self) -> Decimal:
        return sum(self.month_totals, ZERO)


@dataclass
class Grid:
    """A region's year for one measure: rows by sub-region, last year beside, HQ's figure."""

    region: Territory
    year: int
    measure: str
    groups: list[GridGroup]
    plan: TargetPlan | None
    figure: RegionalFigure | None
    last_year: dict[int, dict[int, Decimal]]

    @property
    def rows(self) -> list[GridRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def market_rows(self) -> list[GridRow]:
        return [row for row in self.rows if not row.is_dealer]

    @property
    def month_totals(self) -> list[Decimal]:
        return market_month_totals(self.rows)

    @property
    def total(self) -> Decimal:
        return sum(self.month_totals, ZERO)

    @property
    def hq_value(self) -> Decimal | None:
        return self.figure.hq_value if self.figure else None

    @property
    def difference(self) -> Decimal | None:
        return None if self.hq_value is None else self.total - self.hq_value

    @property
    def needs_reason(self) -> bool:
        return rules.needs_reason(total=self.total, hq_figure=self.hq_value)

    @property
    def version(self) -> str:
        """What the grid's save form sends back to detect a stale edit."""
        return self.figure.updated_at.isoformat() if self.figure else ""


def grid(*, user, region: Territory, year: int, measure: str, with_dealers: bool) -> Grid:
    """The grid in a fixed number of queries, however many markets and dealers it has."""
    markets = list(
        Market.objects.for_user(user)
        .filter(territory__path__startswith=region.path)
        .select_related("territory", "sub_region_membership__sub_region")
        .order_by("territory__path")
    )
    territory_ids = [market.territory_id for market in markets]
    dealers: dict[int, list[Dealer]] = defaultdict(list)
    if with_dealers:
        for dealer in (
            Dealer.objects.for_user(user)
            .filter(market__in=markets, active=True)
            .select_related("market")
            .order_by("name")
        ):
            dealers[dealer.market.territory_id].append(dealer)
    cells: dict[tuple[int, int | None], dict[int, Decimal | None]] = defaultdict(dict)
    for territory_id, dealer_id, month, value in (
        Target.objects.for_user(user)
        .filter(year=year, measure=measure, territory_id__in=territory_ids)
        .filter(Q(dealer=None) | Q(dealer__active=True) if with_dealers else Q(dealer=None))
        .values_list("territory_id", "dealer_id", "month", "value")
    ):
        cells[(territory_id, dealer_id)][month] = value
    last_year = last_year_shares(user=user, territory_ids=territory_ids, year=year, measure=measure)
    groups: dict[str, list[GridRow]] = defaultdict(list)
    for market in markets:
        membership = getattr(market, "sub_region_membership", None)
        name = membership.sub_region.name if membership else ""
        territory = market.territory
        groups[name].append(
            GridRow(
                key=f"m{territory.pk}",
                territory_id=territory.pk,
                code=territory.code,
                label=territory.name,
                values=cells.get((territory.pk, None), {}),
                last_year=last_year.get(territory.pk, {}),
            )
        )
        for dealer in dealers.get(territory.pk, []):
            groups[name].append(
                GridRow(
                    key=f"d{dealer.pk}",
                    territory_id=territory.pk,
                    code=territory.code,
                    label=dealer.name,
                    dealer_id=dealer.pk,
                    dealer_code=dealer.external_code,
                    values=cells.get((territory.pk, dealer.pk), {}),
                )
            )
    plan = TargetPlan.objects.filter(region=region, year=year).prefetch_related("figures").first()
    figure = None
    if plan is not None:
        figure = next((f for f in plan.figures.all() if f.measure == measure), None)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    return Grid(
        region=region,
        year=year,
        measure=measure,
        groups=[GridGroup(name=name, rows=rows) for name, rows in ordered],
        plan=plan,
        figure=figure,
        last_year=last_year,
    )


def revision_list(*, user, region: Territory, year: int, measure: str) -> QuerySet:
    """Every change to the grid's targets, newest first, with who and why."""
    return (
        TargetRevision.objects.for_user(user)
        .filter(
            target__territory__path__startswith=region.path,
            target__year=year,
            target__measure=measure,
        )
        .select_related("target__territory", "target__dealer", "changed_by")
    )


# --- for the achievement drill-down (actuals come from the sales app) ---------------------


def targets_by_month(*, user, territory: Territory, year: int, measure: str) -> dict[int, Decimal]:
    """The monthly target of a territory node (any level): the sum of the market targets
    below it (dealer breakdowns are not added again). {month: value}, months without
    targets left out."""
    rows = (
        Target.objects.for_user(user)
        .filter(
            territory__path__startswith=territory.path,
            year=year,
            measure=measure,
            dealer=None,
        )
        .values("month")
        .annotate(total=Sum("value"))
        .order_by("month")
    )
    return {row["month"]: row["total"] for row in rows}


def targets_by_child(
    *, user, territory: Territory, year: int, measure: str
) -> dict[str, dict[int, Decimal]]:
    """Per market below a node: {territory code: {month: value}}; a drill-down's rows."""
    rows = (
        Target.objects.for_user(user)
        .filter(
            territory__path__startswith=territory.path,
            year=year,
            measure=measure,
            dealer=None,
        )
        .values_list("territory__code", "month", "value")
    )
    result: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for code, month, value in rows:
        result[code][month] = value
    return dict(result)


def targets_by_dealer(*, user, market: Market, year: int, measure: str) -> dict[int, dict]:
    """A market's dealer breakdown: {dealer id: {month: value}}."""
    rows = (
        Target.objects.for_user(user)
        .filter(territory_id=market.territory_id, year=year, measure=measure)
        .exclude(dealer=None)
        .values_list("dealer_id", "month", "value")
    )
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for dealer_id, month, value in rows:
        result[dealer_id][month] = value
    return dict(result)
