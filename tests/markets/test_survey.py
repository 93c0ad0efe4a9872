import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dealerhub.core.concurrency import StaleEditError
from markets import services
from markets.models import MarketSurvey, Outlet, WholesaleMarket

from .factories import SurveyFactory


@pytest.fixture
def survey(world, rep):
    return services.survey_create(
        market_id=world.shenzhen_market.pk, rep=rep, surveyed_on=datetime.date(2026, 11, 2)
    )


def _completeness(survey):
    return MarketSurvey.objects.get(pk=survey.pk).completeness


def test_new_survey_is_zero_percent(survey):
    assert survey.completeness == 0


def test_partial_section_saves_but_does_not_count(survey):
    services.survey_update(survey_id=survey.pk, values={"county_count": 6})

    saved = MarketSurvey.objects.get(pk=survey.pk)
    assert (saved.county_count, saved.town_count, saved.completeness) == (6, None, 0)


def test_completing_section_a_raises_completeness(survey):
    services.survey_update(survey_id=survey.pk, values={"county_count": 6, "town_count": 57})

    assert _completeness(survey) == 16


def test_all_six_sections_reach_100(survey):
    services.survey_update(
        survey_id=survey.pk,
        values={"county_count": 6, "town_count": 57, "ka_store_count": 1, "catering_none": True},
    )
    services.survey_add_outlet(
        survey_id=survey.pk, kind="ka_store", name="华润万家", address="深南大道1号"
    )
    wholesale = services.survey_add_wholesale_market(
        survey_id=survey.pk, name="布吉农批", location="龙岗区布吉", goods_flow="out_of_town"
    )
    services.survey_add_outlet(
        survey_id=survey.pk,
        kind="wholesale",
        name="老陈粮油",
        contact_name="陈老板",
        contact_phone="13800000000",
        wholesale_market_id=wholesale.pk,
    )
    competitor = services.competitor_save(
        market_id=survey.market_id,
        survey_id=survey.pk,
        brand="金龙鱼",
        estimated_monthly_volume=900000,
    )
    services.competitor_add_product(competitor_id=competitor.pk, name="调和油", spec="5L", price=69)
    services.survey_add_outlet(survey_id=survey.pk, kind="canteen", name="富士康食堂")

    assert _completeness(survey) == 100


def test_trader_must_belong_to_a_wholesale_market_of_the_market(world, survey, rep_outside):
    other = SurveyFactory(market=world.changsha_market, rep=rep_outside)
    foreign = WholesaleMarket.objects.create(
        market=world.changsha_market, survey=other, name="高桥", location="长沙", goods_flow="local"
    )

    with pytest.raises(ValidationError):
        services.survey_add_outlet(
            survey_id=survey.pk, kind="wholesale", name="X", wholesale_market_id=foreign.pk
        )
    assert not Outlet.objects.exists()


def test_section_post_on_phone_saves_and_redirects(client, survey, rep):
    client.force_login(rep)

    response = client.post(
        reverse("markets:survey_save", args=[survey.pk, "a"]),
        {"a-county_count": "6", "a-town_count": "57"},
    )

    assert response.status_code == 302
    assert _completeness(survey) == 16


def test_row_with_errors_is_not_saved_and_form_shows_them(client, survey, rep):
    client.force_login(rep)

    response = client.post(
        reverse("markets:survey_save", args=[survey.pk, "ka_store"]), {"ka_store-name": "无地址"}
    )

    assert response.status_code == 422
    assert "address" in response.context["forms"]["ka_store"].errors
    assert not Outlet.objects.exists()


def test_other_rep_in_scope_cannot_edit_survey(client, world, survey):
    from accounts.models import Role

    from ..factories import UserFactory

    other = UserFactory(username="rep_other", role=Role.REP, territories=[world.shenzhen])
    client.force_login(other)

    response = client.post(
        reverse("markets:survey_save", args=[survey.pk, "a"]), {"a-county_count": "1"}
    )

    assert response.status_code == 403
    assert MarketSurvey.objects.get(pk=survey.pk).county_count is None


def test_survey_start_from_market_page(client, world, rep):
    client.force_login(rep)

    response = client.post(
        reverse("markets:survey_start", args=[world.shenzhen_market.pk]),
        {"surveyed_on": "2026-11-20"},
    )

    survey = MarketSurvey.objects.get()
    assert response.url == reverse("markets:survey_detail", args=[survey.pk])
    assert (survey.rep, survey.market) == (rep, world.shenzhen_market)


def test_survey_page_query_count(client, survey, rep, django_assert_max_num_queries):
    client.force_login(rep)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("markets:survey_detail", args=[survey.pk]))

    assert response.status_code == 200


def test_stale_section_edit_is_refused(survey):
    old = survey.updated_at
    services.survey_update(survey_id=survey.pk, values={"county_count": 3})

    with pytest.raises(StaleEditError):
        services.survey_update(
            survey_id=survey.pk, values={"county_count": 9}, expected_updated_at=old
        )
    assert MarketSurvey.objects.get(pk=survey.pk).county_count == 3


def test_removing_the_only_ka_store_lowers_completeness(client, survey, rep):
    services.survey_update(survey_id=survey.pk, values={"ka_store_count": 1})
    outlet = services.survey_add_outlet(
        survey_id=survey.pk, kind="ka_store", name="错录门店", address="某路1号"
    )
    assert _completeness(survey) == 16
    client.force_login(rep)

    client.post(reverse("markets:survey_remove", args=[survey.pk, "outlet", outlet.pk]))

    assert not Outlet.objects.exists()
    assert _completeness(survey) == 0


def test_cannot_remove_an_outlet_the_survey_did_not_record(client, world, survey, rep):
    from .factories import OutletFactory

    other = OutletFactory(territory=world.shenzhen)
    client.force_login(rep)

    client.post(reverse("markets:survey_remove", args=[survey.pk, "outlet", other.pk]))

    assert Outlet.objects.filter(pk=other.pk).exists()
