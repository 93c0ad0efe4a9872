"""Dealer-selection fixtures: the default scorecard, candidates, ratings, a market survey."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from accounts.models import Role
from dealers import scoring
from dealers.defaults import DEFAULT_CRITERIA
from dealers.models import ScorecardTemplate
from markets import selectors as market_selectors
from markets.selectors import RequiredCapacity
from tests.factories import UserFactory
from tests.markets.factories import SurveyFactory

from .factories import CandidateFactory

ALL_CODES = [item[0] for *_head, items in DEFAULT_CRITERIA for item in items]


def all_ratings(level: int = 4, **overrides) -> dict[str, int]:
    values = dict.fromkeys(ALL_CODES, level)
    values.update(overrides)
    return values


@pytest.fixture
def default_template(db) -> ScorecardTemplate:
    """The migration installs it; transactional tests flush it, so re-install when needed."""
    import_module("dealers.migrations.0002_default_template").install(apps, None)
    return ScorecardTemplate.objects.get(version=1)


@pytest.fixture
def survey(world):
    """Give a market a survey of the given completeness (pipeline rule 1)."""

    def make(market=None, completeness=100):
        owner = UserFactory(role=Role.REP, territories=[world.guangdong, world.changsha])
        return SurveyFactory(
            market=market or world.shenzhen_market, rep=owner, completeness=completeness
        )

    return make


@pytest.fixture
def surveyed(world, survey):
    """Both markets of the world have a complete market survey (rule 1 satisfied)."""
    survey(world.shenzhen_market)
    survey(world.changsha_market)


@pytest.fixture
def no_survey(world):
    """No market has a survey (rule 1 broken)."""


@pytest.fixture
def plan(monkeypatch):
    """Set the market plan's required capacity for every market (the markets interface)."""

    def set_requirement(**values):
        defaults = {
            "working_capital": None,
            "warehouse_m2": None,
            "deliverable_outlets_per_week": None,
            "covered_outlets": None,
            "is_key_city": False,
        }
        defaults.update(values)
        need = RequiredCapacity(**defaults)
        monkeypatch.setattr(market_selectors, "required_capacity", lambda *, market: need)
        return need

    return set_requirement


@pytest.fixture
def sz_candidate(world, default_template):
    return CandidateFactory(
        external_code="SZ-001", name="深圳鹏程商贸", market=world.shenzhen_market
    )


@pytest.fixture
def cs_candidate(world, default_template):
    return CandidateFactory(
        external_code="CS-001", name="长沙湘江商贸", market=world.changsha_market
    )


__all__ = ["Decimal", "all_ratings", "scoring"]


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level assertions below read English messages; pages pick their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
