import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from markets import services
from markets.models import ChecklistCriterion, Market, MarketStatusChange

from ..factories import CountyFactory, MarketFactory, UserFactory
from .factories import OutletFactory


@pytest.fixture
def tianhe(world):
    """A county market under 广州, whose market is only developing."""
    county = CountyFactory(code="440106", name="天河区", parent=world.guangzhou)
    return MarketFactory(territory=county, status="researching")


def _status(market):
    return Market.objects.get(pk=market.pk).status


def test_change_is_recorded_with_who_from_to_and_reason(world, manager):
    market = world.changsha_market  # trial
    services.market_change_status(
        market_id=market.pk, target="developing", by=manager, reason="经销商已签约"
    )

    change = MarketStatusChange.objects.get(market=market)
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "trial",
        "developing",
        "经销商已签约",
        manager,
    )


def test_county_blocked_while_central_city_not_developed(tianhe, manager):
    with pytest.raises(services.OverrideNeeded):
        services.market_change_status(market_id=tianhe.pk, target="trial", by=manager)

    assert _status(tianhe) == "researching"
    assert not MarketStatusChange.objects.exists()


def test_manager_cannot_override_even_with_reason(tianhe, manager):
    with pytest.raises(services.OverrideNeeded):
        services.market_change_status(
            market_id=tianhe.pk, target="trial", by=manager, override_reason="总部同意"
        )

    assert _status(tianhe) == "researching"


def test_hq_override_needs_a_written_reason(tianhe, hq_admin):
    with pytest.raises(services.OverrideNeeded) as raised:
        services.market_change_status(market_id=tianhe.pk, target="trial", by=hq_admin)

    assert set(raised.value.message_dict) == {"override_reason"}
    assert _status(tianhe) == "researching"


def test_hq_override_with_reason_is_kept_in_history(tianhe, hq_admin):
    services.market_change_status(
        market_id=tianhe.pk, target="trial", by=hq_admin, override_reason="大客户带动，特批"
    )

    change = MarketStatusChange.objects.get(market=tianhe)
    assert (_status(tianhe), change.override_reason) == ("trial", "大客户带动，特批")


def test_county_under_developed_city_passes(world, manager):
    services.market_change_status(market_id=world.nanshan_market.pk, target="trial", by=manager)

    assert _status(world.nanshan_market) == "trial"


@pytest.fixture
def busy_rep(world):
    rep = UserFactory(username="busy", role=Role.REP, territories=[world.guangdong])
    for code in ("440501", "440502", "440503"):
        MarketFactory(
            territory=CountyFactory(code=code, parent=world.shenzhen), status="trial", rep=rep
        )
    return rep


def test_fourth_focus_market_needs_manager_confirmation(world, busy_rep, manager):
    market = world.shenzhen_market
    Market.objects.filter(pk=market.pk).update(status="developing", rep=busy_rep)
    market = Market.objects.get(pk=world.guangzhou_market.pk)
    Market.objects.filter(pk=market.pk).update(status="researching", rep=busy_rep)

    with pytest.raises(services.FocusConfirmationNeeded):
        services.market_change_status(market_id=market.pk, target="trial", by=manager)

    assert _status(market) == "researching"


def test_rep_cannot_confirm_focus_themselves(world, busy_rep):
    Market.objects.filter(pk=world.guangzhou_market.pk).update(status="researching", rep=busy_rep)

    with pytest.raises(services.FocusConfirmationNeeded):
        services.market_change_status(
            market_id=world.guangzhou_market.pk, target="trial", by=busy_rep, confirm_focus=True
        )

    assert _status(world.guangzhou_market) == "researching"


def test_manager_confirmation_allows_fourth_and_is_recorded(world, busy_rep, manager):
    Market.objects.filter(pk=world.guangzhou_market.pk).update(status="researching", rep=busy_rep)

    services.market_change_status(
        market_id=world.guangzhou_market.pk, target="trial", by=manager, confirm_focus=True
    )

    change = MarketStatusChange.objects.get(market=world.guangzhou_market)
    assert (change.to_status, change.focus_confirmed) == ("trial", True)


def test_assigning_a_fourth_focus_market_needs_confirmation(world, busy_rep, manager):
    market = world.guangzhou_market  # developing, no rep
    with pytest.raises(services.FocusConfirmationNeeded):
        services.market_update_profile(
            market_id=market.pk,
            expected_updated_at=None,
            income_level="",
            pillar_industries="",
            notes="",
            rep_id=busy_rep.pk,
            by=manager,
        )
    assert Market.objects.get(pk=market.pk).rep_id is None

    services.market_update_profile(
        market_id=market.pk,
        expected_updated_at=None,
        income_level="",
        pillar_industries="",
        notes="",
        rep_id=busy_rep.pk,
        by=manager,
        confirm_focus=True,
    )
    assert Market.objects.get(pk=market.pk).rep_id == busy_rep.pk


def test_developed_blocked_until_checklist_met(world, manager):
    market = world.guangzhou_market  # developing; default checklist has manual items
    with pytest.raises(ValidationError):
        services.market_change_status(market_id=market.pk, target="developed", by=manager)
    assert _status(market) == "developing"


def test_developed_allowed_when_every_item_met(world, manager):
    market = world.guangzhou_market
    ChecklistCriterion.objects.create(level="city", key="ka_stores_entered")
    ChecklistCriterion.objects.create(level="city", key="no_open_cases")
    services.market_plan_save(market_id=market.pk, planned_ka_stores=1)
    OutletFactory(territory=world.guangzhou, listed_on=datetime.date(2026, 10, 1))
    services.checklist_tick(
        market_id=market.pk, key="no_open_cases", met=True, evidence="稽查记录无", by=manager
    )

    services.market_change_status(market_id=market.pk, target="developed", by=manager)

    assert _status(market) == "developed"


def test_a_ka_store_only_surveyed_does_not_count_as_entered(world, manager):
    market = world.guangzhou_market
    ChecklistCriterion.objects.create(level="city", key="ka_stores_entered")
    services.market_plan_save(market_id=market.pk, planned_ka_stores=1)
    OutletFactory(territory=world.guangzhou, listed_on=None)  # on file from a survey

    with pytest.raises(ValidationError) as raised:
        services.market_change_status(market_id=market.pk, target="developed", by=manager)

    assert list(raised.value.message_dict) == ["status"]
    assert _status(market) == "developing"


def test_disabled_checklist_items_are_not_required(world, manager):
    market = world.guangzhou_market
    ChecklistCriterion.objects.create(level="city", key="no_open_cases", enabled=False)

    services.market_change_status(market_id=market.pk, target="developed", by=manager)

    assert _status(market) == "developed"


def test_computed_items_cannot_be_ticked(world, manager):
    with pytest.raises(ValidationError):
        services.checklist_tick(
            market_id=world.guangzhou_market.pk,
            key="ka_stores_entered",
            met=True,
            evidence="x",
            by=manager,
        )


def test_pause_keeps_reason_on_market(world, manager):
    services.market_change_status(
        market_id=world.changsha_market.pk, target="paused", by=manager, reason="无合适经销商"
    )

    market = Market.objects.get(pk=world.changsha_market.pk)
    assert (market.status, market.status_reason) == ("paused", "无合适经销商")


def test_status_page_shows_override_field_to_hq_after_block(client, tianhe, hq_admin):
    client.force_login(hq_admin)
    url = reverse("markets:market_status", args=[tianhe.pk])

    response = client.post(url, {"status": "trial", "reason": ""})

    assert "override_reason" in response.context["form"].fields
    assert _status(tianhe) == "researching"

    response = client.post(url, {"status": "trial", "override_reason": "特批"})
    assert response.status_code == 302
    assert _status(tianhe) == "trial"


def test_status_page_forbidden_to_rep_of_other_market(client, world, rep):
    client.force_login(rep)

    response = client.post(
        reverse("markets:market_status", args=[world.shenzhen_market.pk]), {"status": "stable"}
    )

    assert response.status_code == 403
    assert _status(world.shenzhen_market) == "developed"


def test_market_page_shows_status_history(client, world, manager):
    services.market_change_status(
        market_id=world.changsha_market.pk, target="developing", by=manager
    )
    hq = UserFactory(username="hq2", role=Role.HQ_ADMIN)
    client.force_login(hq)

    response = client.get(reverse("markets:market_detail", args=[world.changsha_market.pk]))

    assert [(c.from_status, c.to_status) for c in response.context["status_changes"]] == [
        ("trial", "developing")
    ]
