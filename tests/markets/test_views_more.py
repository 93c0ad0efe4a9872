import datetime
from decimal import Decimal

from django.urls import reverse

from accounts.models import Role
from markets import services
from markets.models import ChecklistTick, Competitor, CompetitorProduct, Market

from ..factories import CountyFactory, MarketFactory, UserFactory
from .factories import OutletFactory


def test_manager_ticks_checklist_item_with_evidence(client, world, manager):
    client.force_login(manager)

    client.post(
        reverse("markets:checklist_tick", args=[world.guangzhou_market.pk]),
        {"key": "no_open_cases", "met": "on", "evidence": "稽查报告2026-10"},
    )

    tick = ChecklistTick.objects.get()
    assert (tick.key, tick.met, tick.evidence, tick.ticked_by) == (
        "no_open_cases",
        True,
        "稽查报告2026-10",
        manager,
    )


def test_rep_cannot_tick_checklist(client, world, rep):
    client.force_login(rep)

    response = client.post(
        reverse("markets:checklist_tick", args=[world.shenzhen_market.pk]),
        {"key": "no_open_cases", "met": "on", "evidence": "x"},
    )

    assert response.status_code == 403
    assert not ChecklistTick.objects.exists()


def test_tick_without_evidence_is_refused(client, world, manager):
    client.force_login(manager)

    client.post(
        reverse("markets:checklist_tick", args=[world.guangzhou_market.pk]),
        {"key": "no_open_cases", "met": "on", "evidence": ""},
    )

    assert not ChecklistTick.objects.exists()


def test_edit_page_asks_for_focus_confirmation_then_saves(client, world, manager):
    busy = UserFactory(username="busy2", role=Role.REP, territories=[world.guangdong])
    for code in ("440601", "440602", "440603"):
        MarketFactory(
            territory=CountyFactory(code=code, parent=world.shenzhen), status="developing", rep=busy
        )
    client.force_login(manager)
    url = reverse("markets:market_edit", args=[world.guangzhou_market.pk])
    data = {"rep": busy.pk, "income_level": "", "pillar_industries": "", "notes": ""}

    first = client.post(url, data)
    assert "confirm_focus" in first.context["form"].fields
    assert Market.objects.get(pk=world.guangzhou_market.pk).rep_id is None

    client.post(url, data | {"confirm_focus": "on"})
    assert Market.objects.get(pk=world.guangzhou_market.pk).rep_id == busy.pk


def test_competitor_page_adds_brand_and_product(client, world, rep):
    client.force_login(rep)
    url = reverse("markets:competitor_list", args=[world.shenzhen_market.pk])

    client.post(
        url,
        {"part": "competitor", "comp-brand": "海天", "comp-estimated_monthly_volume": "1800000"},
    )
    competitor = Competitor.objects.get()
    client.post(
        url,
        {
            "part": "product",
            "prod-competitor": competitor.pk,
            "prod-name": "金标生抽",
            "prod-spec": "1.28L",
            "prod-price": "15.90",
        },
    )

    assert (competitor.brand, competitor.estimated_monthly_volume) == ("海天", Decimal("1800000"))
    assert list(CompetitorProduct.objects.values_list("name", "spec", "price")) == [
        ("金标生抽", "1.28L", Decimal("15.90"))
    ]


def test_product_cannot_target_another_markets_competitor(client, world, rep):
    foreign = Competitor.objects.create(market=world.changsha_market, brand="加加")
    client.force_login(rep)

    client.post(
        reverse("markets:competitor_list", args=[world.shenzhen_market.pk]),
        {"part": "product", "prod-competitor": foreign.pk, "prod-name": "面条鲜"},
    )

    assert not CompetitorProduct.objects.exists()


def test_shortlist_shown_on_market_page(client, world, manager):
    store = OutletFactory(territory=world.shenzhen, name="样板店")
    services.assessment_create(
        outlet_id=store.pk,
        by=manager,
        assessed_on=datetime.date(2026, 11, 1),
        estimated_monthly_volume=Decimal("30000"),
        ratings=[services.RatingInput(action=n, rating=5) for n in range(1, 11)],
    )
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    assert [(a.outlet.name, a.score) for a in response.context["shortlist"]] == [("样板店", 100)]


def test_outlet_list_is_limited_to_the_market(client, world, manager):
    OutletFactory(territory=world.nanshan, name="南山店")
    OutletFactory(territory=world.guangzhou, name="广州店")
    client.force_login(manager)

    response = client.get(reverse("markets:outlet_list", args=[world.shenzhen_market.pk]))

    assert [o.name for o in response.context["object_list"]] == ["南山店"]
