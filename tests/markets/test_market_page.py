import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from markets.choices import OutletKind
from markets.models import Market, Outlet

from .factories import CompetitorFactory, CompetitorProductFactory, OutletFactory, SurveyFactory


def _bulk_outlets(territory, count):
    Outlet.objects.bulk_create(
        [
            Outlet(
                territory=territory,
                kind=[OutletKind.KA_STORE, OutletKind.WHOLESALE, OutletKind.CATERING][i % 3],
                name=f"网点{i:04d}",
                longitude=Decimal("113.9") + Decimal(i) / 10000,
                latitude=Decimal("22.5") + Decimal(i) / 10000,
            )
            for i in range(count)
        ]
    )


def test_market_page_with_500_outlets_has_bounded_queries(
    client, world, manager, django_assert_max_num_queries
):
    _bulk_outlets(world.shenzhen, 500)
    CompetitorProductFactory(competitor=CompetitorFactory(market=world.shenzhen_market))
    client.force_login(manager)

    with django_assert_max_num_queries(26):
        response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    assert response.status_code == 200
    points = response.context["map_points"]
    assert sum(len(points[kind]) for kind in OutletKind.values) == 500
    assert response.context["outlet_total"] == 500
    assert len(response.context["outlets"]) == 30


def test_market_page_map_data_is_embedded_as_json(client, world, manager):
    OutletFactory(
        territory=world.shenzhen,
        name="沃尔玛",
        longitude=Decimal("114.1"),
        latitude=Decimal("22.6"),
    )
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    assert '<script id="map-data" type="application/json">' in response.content.decode()
    assert response.context["map_points"]["ka_store"] == [[114.1, 22.6, "沃尔玛"]]


def test_customer_table_lists_wholesalers_only(client, world, manager):
    OutletFactory(territory=world.shenzhen, kind=OutletKind.WHOLESALE, name="二批甲")
    OutletFactory(territory=world.shenzhen, kind=OutletKind.KA_STORE, name="超市乙")
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    assert [o.name for o in response.context["customers"]] == ["二批甲"]


def test_market_list_shows_latest_survey_completeness(client, world, rep):
    SurveyFactory(market=world.shenzhen_market, rep=rep, completeness=50)
    client.force_login(rep)

    response = client.get(reverse("markets:market_list"))

    by_code = {m.territory.code: m.survey_completeness for m in response.context["object_list"]}
    assert by_code == {"440300": 50, "440305": -1}


def test_market_list_funnel_counts_per_status(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"))

    counts = {row["value"]: row["count"] for row in response.context["funnel"]}
    assert counts == {
        "blank": 0,
        "researching": 1,
        "trial": 1,
        "developing": 1,
        "developed": 1,
        "stable": 0,
        "paused": 0,
    }


def test_market_list_filters_by_province(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"), {"province": "430000"})

    assert [m.territory.code for m in response.context["object_list"]] == ["430100"]


def test_market_list_filters_by_city(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"), {"city": "440300"})

    assert [m.territory.code for m in response.context["object_list"]] == ["440300", "440305"]


def test_competitors_ordered_by_volume_and_top5_marked(client, world, manager):
    for index, volume in enumerate([10, 60, 30, 50, 40, 20]):
        CompetitorFactory(
            market=world.shenzhen_market, brand=f"B{index}", estimated_monthly_volume=volume
        )
    client.force_login(manager)

    response = client.get(reverse("markets:competitor_list", args=[world.shenzhen_market.pk]))

    assert [c.brand for c in response.context["competitors"]] == [
        "B1",
        "B3",
        "B4",
        "B2",
        "B5",
        "B0",
    ]
    assert response.content.decode().count('class="top5"') == 5


PAGES = [
    "markets:market_detail",
    "markets:market_status",
    "markets:outlet_list",
    "markets:outlet_export",
    "markets:outlet_import",
    "markets:competitor_list",
    "markets:trial_create",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_another_provinces_market_are_404(client, world, rep, name):
    client.force_login(rep)

    response = client.get(reverse(name, args=[world.changsha_market.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_own_market_render(client, world, rep, name):
    world.shenzhen_market.rep = rep
    world.shenzhen_market.save()
    client.force_login(rep)

    response = client.get(reverse(name, args=[world.shenzhen_market.pk]))

    assert response.status_code == 200


def test_plan_page_is_for_managers(client, world, rep, manager):
    client.force_login(rep)
    assert (
        client.get(reverse("markets:market_plan", args=[world.shenzhen_market.pk])).status_code
        == 403
    )
    client.force_login(manager)
    assert (
        client.get(reverse("markets:market_plan", args=[world.shenzhen_market.pk])).status_code
        == 200
    )


def test_survey_page_of_another_province_is_404(client, world, rep, rep_outside):
    survey = SurveyFactory(market=world.changsha_market, rep=rep_outside)
    client.force_login(rep)

    response = client.get(reverse("markets:survey_detail", args=[survey.pk]))

    assert response.status_code == 404


def test_assessment_page_of_another_province_is_404(client, world, rep):
    outlet = OutletFactory(territory=world.changsha)
    client.force_login(rep)

    response = client.get(reverse("markets:assessment_create", args=[outlet.pk]))

    assert response.status_code == 404


def test_posts_to_another_provinces_market_are_404_and_change_nothing(client, world, rep):
    from markets.models import MarketSurvey

    client.force_login(rep)
    market = world.changsha_market

    responses = [
        client.post(
            reverse("markets:survey_start", args=[market.pk]), {"surveyed_on": "2026-11-01"}
        ),
        client.post(reverse("markets:market_status", args=[market.pk]), {"status": "developing"}),
        client.post(reverse("markets:checklist_tick", args=[market.pk]), {"key": "no_open_cases"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert not MarketSurvey.objects.exists()
    assert Market.objects.get(pk=market.pk).status == "trial"


def test_survey_save_of_another_province_is_404(client, world, rep, rep_outside):
    survey = SurveyFactory(market=world.changsha_market, rep=rep_outside)
    client.force_login(rep)

    response = client.post(
        reverse("markets:survey_save", args=[survey.pk, "a"]), {"a-county_count": "3"}
    )

    assert response.status_code == 404


def test_plan_vs_actual_rows(client, world, manager):
    from markets import services

    services.market_plan_save(
        market_id=world.shenzhen_market.pk,
        planned_ka_stores=10,
        channel_plan={"ka": {"outlets": 12}, "catering": {"outlets": 30}},
    )
    OutletFactory(
        territory=world.shenzhen, kind=OutletKind.KA_STORE, listed_on=datetime.date(2026, 9, 1)
    )
    OutletFactory(territory=world.nanshan, kind=OutletKind.CATERING)
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    assert [(row["planned"], row["actual"]) for row in response.context["plan_rows"]] == [
        (10, 1),
        (12, 1),
        (30, 1),
    ]


def test_ka_stores_entered_counts_only_stores_where_we_are_listed(client, world, manager):
    from markets import services

    services.market_plan_save(market_id=world.shenzhen_market.pk, planned_ka_stores=10)
    listed = datetime.date(2026, 9, 1)
    OutletFactory(territory=world.shenzhen, kind=OutletKind.KA_STORE, listed_on=listed)
    OutletFactory(territory=world.nanshan, kind=OutletKind.KA_STORE, listed_on=listed)
    OutletFactory(territory=world.shenzhen, kind=OutletKind.KA_STORE, listed_on=None)
    OutletFactory(territory=world.changsha, kind=OutletKind.KA_STORE, listed_on=listed)
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk]))

    entered = response.context["plan_rows"][0]
    assert (entered["planned"], entered["actual"]) == (10, 2)
