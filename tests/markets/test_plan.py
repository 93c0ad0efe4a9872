from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dealerhub.core import jobs
from markets import selectors, services
from markets.models import Market, MarketPlan


@pytest.fixture
def recompute_calls(monkeypatch):
    """The market ids whose dealer re-scoring job reached the broker (after commit)."""
    from dealers.models import RecomputeJob

    calls: list[int] = []

    def send_task(task_name, args=(), kwargs=None, **options):
        if task_name == "dealers.tasks.run_recompute_job":
            calls.append(RecomputeJob.objects.get(pk=args[0]).market_id)

    monkeypatch.setattr(jobs.current_app, "send_task", send_task)
    return calls


def _market(pk):
    return Market.objects.select_related("territory").get(pk=pk)


def test_capacity_defaults_without_plan_key_city(world):
    capacity = selectors.required_capacity(market=_market(world.shenzhen_market.pk))

    assert capacity == selectors.RequiredCapacity(
        working_capital=Decimal("500000"),
        warehouse_m2=None,
        deliverable_outlets_per_week=None,
        covered_outlets=None,
        is_key_city=True,
    )


def test_capacity_defaults_for_county(world):
    capacity = selectors.required_capacity(market=_market(world.nanshan_market.pk))

    assert (capacity.working_capital, capacity.is_key_city) == (Decimal("200000"), False)


def test_capacity_reads_the_plan(world):
    services.market_plan_save(
        market_id=world.nanshan_market.pk,
        working_capital=Decimal("300000"),
        warehouse_m2=Decimal("150"),
        deliverable_outlets_per_week=80,
        channel_plan={"ka": {"dealers": 1, "outlets": 12}, "catering": {"outlets": 40}},
    )

    capacity = selectors.required_capacity(market=_market(world.nanshan_market.pk))

    assert capacity == selectors.RequiredCapacity(
        working_capital=Decimal("300000.00"),
        warehouse_m2=Decimal("150.0"),
        deliverable_outlets_per_week=80,
        covered_outlets=52,
        is_key_city=False,
    )


def test_capacity_falls_back_when_plan_leaves_capital_empty(world):
    services.market_plan_save(market_id=world.shenzhen_market.pk, warehouse_m2=Decimal("200"))

    capacity = selectors.required_capacity(market=_market(world.shenzhen_market.pk))

    assert (capacity.working_capital, capacity.warehouse_m2, capacity.covered_outlets) == (
        Decimal("500000"),
        Decimal("200.0"),
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_capacity_change_queues_dealer_recompute_after_commit(world, recompute_calls):
    services.market_plan_save(market_id=world.shenzhen_market.pk, working_capital=Decimal("1"))

    assert recompute_calls == [world.shenzhen_market.pk]


@pytest.mark.django_db(transaction=True)
def test_non_capacity_change_does_not_queue_recompute(world, recompute_calls):
    services.market_plan_save(market_id=world.shenzhen_market.pk, working_capital=Decimal("1"))
    recompute_calls.clear()

    services.market_plan_save(market_id=world.shenzhen_market.pk, schedule="Q1 试销")

    assert recompute_calls == []


def test_recompute_not_queued_when_save_fails(
    world, recompute_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.market_plan_save(market_id=world.shenzhen_market.pk, market_share_target=150)

    assert recompute_calls == []
    assert not MarketPlan.objects.exists()


def test_channel_plan_rejects_unknown_channel(world):
    with pytest.raises(ValidationError):
        services.market_plan_save(market_id=world.shenzhen_market.pk, channel_plan={"space": {}})
    assert not MarketPlan.objects.exists()


def test_target_before_start_is_refused(world):
    import datetime

    with pytest.raises(ValidationError):
        services.market_plan_save(
            market_id=world.shenzhen_market.pk,
            start_date=datetime.date(2026, 5, 1),
            target_date=datetime.date(2026, 1, 1),
        )
    assert not MarketPlan.objects.exists()


def test_plan_form_saves_channels(client, world, manager):
    client.force_login(manager)
    url = reverse("markets:market_plan", args=[world.shenzhen_market.pk])

    response = client.post(
        url,
        {
            "channel_model": "several",
            "planned_dealer_count": "2",
            "ch_ka_dealers": "1",
            "ch_ka_outlets": "15",
            "ch_catering_outlets": "60",
            "working_capital": "800000",
        },
    )

    assert response.status_code == 302
    plan = MarketPlan.objects.get(market=world.shenzhen_market)
    assert plan.channel_plan == {"ka": {"dealers": 1, "outlets": 15}, "catering": {"outlets": 60}}
    assert plan.working_capital == Decimal("800000")


def test_stale_plan_edit_is_refused(client, world, manager):
    services.market_plan_save(market_id=world.shenzhen_market.pk, schedule="旧")
    client.force_login(manager)
    url = reverse("markets:market_plan", args=[world.shenzhen_market.pk])
    version = client.get(url).context["form"].initial["version"].isoformat()
    services.market_plan_save(market_id=world.shenzhen_market.pk, schedule="别人改的")

    response = client.post(url, {"schedule": "我的", "version": version})

    assert response.status_code == 200
    assert MarketPlan.objects.get().schedule == "别人改的"


def test_market_has_survey(world, rep):
    from .factories import SurveyFactory

    assert selectors.market_has_survey(market=world.shenzhen_market) is False
    SurveyFactory(market=world.shenzhen_market, rep=rep)
    assert selectors.market_has_survey(market=world.shenzhen_market) is True
