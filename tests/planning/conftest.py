"""Targets in the shared world: 广东 (深圳, 南山, 广州 markets) and 湖南 (长沙)."""

from decimal import Decimal

import pytest

from accounts.models import Role
from planning.choices import Measure, RevisionSource
from planning.services import Cell, regional_figure_set, targets_write

from ..factories import UserFactory

YEAR = 2026
SELL_IN = Measure.SELL_IN_VALUE


def cell(territory, month, value, *, year=YEAR, measure=SELL_IN, dealer=None) -> Cell:
    return Cell(
        year=year,
        month=month,
        measure=measure,
        territory_id=territory.pk,
        territory_code=territory.code,
        territory_path=territory.path,
        dealer_id=dealer.pk if dealer else None,
        dealer_code=dealer.external_code if dealer else None,
        value=Decimal(value),
    )


@pytest.fixture
def write(hq_admin):
    """Write cells as HQ (set-up, not the behaviour under test)."""

    def do(*cells):
        return targets_write(cells=list(cells), by=hq_admin, source=RevisionSource.API)

    return do


@pytest.fixture
def last_year(world, write):
    """2025: 深圳 ¥300/month in Jan–Mar only, 广州 ¥100 every month (南山 nothing)."""
    write(
        *[cell(world.shenzhen, m, 300, year=YEAR - 1) for m in (1, 2, 3)],
        *[cell(world.guangzhou, m, 100, year=YEAR - 1) for m in range(1, 13)],
    )


@pytest.fixture
def hq_figure(world, hq_admin):
    def set_figure(value, *, region=None, measure=SELL_IN):
        return regional_figure_set(
            by=hq_admin,
            region_id=(region or world.guangdong).pk,
            year=YEAR,
            measure=measure,
            hq_value=Decimal(value),
        )

    return set_figure


@pytest.fixture
def manager_hunan(world):
    return UserFactory(username="mgr_hn", role=Role.MANAGER, territories=[world.hunan])


@pytest.fixture
def manager2(world):
    """A second manager of 广东 (two people editing one grid)."""
    return UserFactory(username="mgr2", role=Role.MANAGER, territories=[world.guangdong])
