"""Demo targets: 广东省 and 湖南省, last year (approved) and this year (the manager's draft,
beside HQ's figure), in the developed and developing markets, grouped into sub-regions."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from markets.choices import MarketStatus
from markets.models import Market, Territory

from . import rules
from .choices import MONTHS, Measure, PlanStatus, RevisionSource
from .models import SubRegion, SubRegionMarket, Target, TargetPlan
from .services import Cell, regional_figure_set, targets_write

SUB_REGIONS = {
    "440000": [
        ("珠三角东岸片区", ["440300", "440306", "441900"]),
        ("珠三角西岸片区", ["440100", "440600", "440605"]),
    ],
    "430000": [("长株潭片区", ["430100", "430121", "430181", "430200", "430300"])],
}
PLANNED = (MarketStatus.DEVELOPING, MarketStatus.DEVELOPED, MarketStatus.STABLE)
# Sell-in of food and drink peaks before the Spring Festival and the Mid-Autumn Festival.
SEASON = [14, 12, 6, 7, 7, 8, 7, 7, 10, 8, 7, 7]
# Annual sell-in (¥) by market size; standard units at ~¥60 a unit; collections ~95%.
BASE = {"440100": 9_600_000, "440300": 12_000_000, "430100": 6_000_000}
DEFAULT_BASE = 3_600_000


def _figures(annual: int) -> dict[str, dict[int, Decimal]]:
    months = rules.split_by_seasonality(
        Decimal(annual), {m: Decimal(w) for m, w in zip(MONTHS, SEASON, strict=True)}
    )
    units = rules.split_by_seasonality(Decimal(annual // 60), months)
    collections = rules.split_by_seasonality(Decimal(annual * 95 // 100), months)
    return {
        Measure.SELL_IN_VALUE: months,
        Measure.STANDARD_UNITS: units,
        Measure.COLLECTIONS: collections,
    }


def seed(*, password: str) -> str:
    admin = User.objects.filter(username="admin").first()
    managers = {
        u.territories.first().code: u
        for u in User.objects.filter(role="manager")
        if u.territories.exists()
    }
    this_year = timezone.localdate().year
    made = 0
    for region in Territory.objects.filter(code__in=SUB_REGIONS):
        for name, codes in SUB_REGIONS[region.code]:
            sub_region, _created = SubRegion.objects.get_or_create(region=region, name=name)
            for market in Market.objects.filter(territory__code__in=codes):
                SubRegionMarket.objects.get_or_create(
                    market=market, defaults={"sub_region": sub_region}
                )
        if Target.objects.filter(territory__path__startswith=region.path).exists():
            continue
        markets = Market.objects.filter(
            territory__path__startswith=region.path, status__in=PLANNED
        ).select_related("territory")
        manager = managers.get(region.code, admin)
        for year, growth, by in ((this_year - 1, 100, admin), (this_year, 110, manager)):
            cells = []
            totals: dict[str, Decimal] = {}
            for market in markets:
                annual = BASE.get(market.territory.code, DEFAULT_BASE) * growth // 100
                for measure, months in _figures(annual).items():
                    totals[measure] = totals.get(measure, Decimal(0)) + sum(months.values())
                    cells += [
                        Cell(
                            year=year,
                            month=month,
                            measure=measure,
                            territory_id=market.territory_id,
                            territory_code=market.territory.code,
                            territory_path=market.territory.path,
                            value=value,
                        )
                        for month, value in months.items()
                    ]
            reason = "上年实际分解" if year < this_year else "按上年目标增长10%提报"
            made += len(
                targets_write(cells=cells, by=by, reason=reason, source=RevisionSource.DEMO)
            )
            for measure, total in totals.items():
                # HQ asks for 15% growth this year; last year's figure was what was planned.
                hq = total if year < this_year else (total * Decimal("1.15")).quantize(Decimal(1))
                figure = regional_figure_set(
                    by=admin, region_id=region.pk, year=year, measure=measure, hq_value=hq
                )
                if year == this_year:
                    figure.reason = "新开发市场仍在投入期，按110%提报，请总部审核"
                    figure.save(update_fields=["reason", "updated_at"])
            if year < this_year:
                TargetPlan.objects.filter(region=region, year=year).update(
                    status=PlanStatus.APPROVED, approved_by=admin, approved_at=timezone.now()
                )
    return f"{made} targets"
