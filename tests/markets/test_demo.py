from django.db.models import Max

from accounts import demo as accounts_demo
from markets import demo
from markets.models import (
    Competitor,
    Market,
    MarketPlan,
    MarketStatusChange,
    MarketSurvey,
    Outlet,
    StoreAssessment,
    TrialShipment,
)

MODELS = [Market, MarketPlan, MarketSurvey, Outlet, Competitor, StoreAssessment, TrialShipment]


def _snapshot():
    return [
        (model.__name__, model.objects.count(), model.objects.aggregate(m=Max("updated_at"))["m"])
        for model in MODELS
    ] + [MarketStatusChange.objects.count()]


def test_demo_research_data_is_coherent_and_idempotent(db):
    demo.seed_territories(password="pw")
    accounts_demo.seed(password="pw")
    demo.seed_markets(password="pw")
    before = _snapshot()

    demo.seed_markets(password="pw")

    assert _snapshot() == before
    completeness = dict(MarketSurvey.objects.values_list("market__territory__code", "completeness"))
    assert completeness == {"440300": 100, "440100": 100, "430100": 100, "441900": 50, "440600": 50}
    assert not Outlet.objects.filter(longitude__isnull=True).exists()
