"""Opening a market: the service, and the form pages on the markets list and territory page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from markets import services
from markets.models import Market

from ..factories import CityFactory, CountyFactory, MarketFactory, UserFactory


@pytest.fixture
def futian(world):
    """A county under 深圳 with no market yet (in the 广东 manager's scope)."""
    return CountyFactory(code="440304", name="福田区", parent=world.shenzhen)


@pytest.fixture
def furong(world):
    """A county under 长沙 with no market (outside the 广东 manager's scope)."""
    return CountyFactory(code="430102", name="芙蓉区", parent=world.changsha)


@pytest.fixture
def busy_rep(world):
    """A 深圳 rep who already holds three markets in trial or developing."""
    rep = UserFactory(username="rep_busy", role=Role.REP, territories=[world.shenzhen])
    for code, status in (("440306", "trial"), ("440307", "developing"), ("440308", "trial")):
        county = CountyFactory(code=code, parent=world.shenzhen)
        MarketFactory(territory=county, status=status, rep=rep)
    return rep


# --- the service -----------------------------------------------------------------------


def test_open_creates_a_blank_market_held_by_the_rep(futian, rep, manager):
    market = services.market_open(
        territory=futian, rep=rep, by=manager, income_level="高", pillar_industries="金融"
    )

    assert (market.territory, market.rep, market.status, market.income_level) == (
        futian,
        rep,
        "blank",
        "高",
    )


def test_open_refuses_a_territory_that_already_has_a_market(world, rep, manager):
    before = Market.objects.get(territory=world.shenzhen).updated_at

    with pytest.raises(ValidationError) as raised:
        services.market_open(territory=world.shenzhen, rep=rep, by=manager)

    assert set(raised.value.message_dict) == {"territory"}
    assert Market.objects.get(territory=world.shenzhen).updated_at == before


def test_open_refuses_a_province(world, manager):
    with pytest.raises(ValidationError) as raised:
        services.market_open(territory=world.guangdong, rep=None, by=manager)

    assert set(raised.value.message_dict) == {"territory"}
    assert not Market.objects.filter(territory=world.guangdong).exists()


def test_open_refuses_a_rep_who_does_not_cover_the_territory(futian, rep_outside, manager):
    with pytest.raises(ValidationError) as raised:
        services.market_open(territory=futian, rep=rep_outside, by=manager)

    assert set(raised.value.message_dict) == {"rep"}
    assert not Market.objects.filter(territory=futian).exists()


def test_a_rep_holding_three_focus_markets_needs_a_confirmation(futian, busy_rep, manager):
    with pytest.raises(services.FocusConfirmationNeeded) as raised:
        services.market_open(territory=futian, rep=busy_rep, by=manager)

    assert "3" in raised.value.message_dict["rep"][0]
    assert not Market.objects.filter(territory=futian).exists()


def test_a_manager_confirms_the_focus_warning(futian, busy_rep, manager):
    market = services.market_open(territory=futian, rep=busy_rep, by=manager, confirm_focus=True)

    assert market.rep == busy_rep


# --- the pages -------------------------------------------------------------------------


def test_manager_opens_a_market_from_the_territory_page(client, futian, rep, manager):
    client.force_login(manager)
    url = reverse("markets:territory_market_open", args=[futian.code])

    response = client.post(url, {"territory": futian.code, "rep": rep.pk, "income_level": "高"})

    market = Market.objects.get(territory=futian)
    assert response.status_code == 302
    assert response["Location"] == reverse("markets:market_detail", args=[market.pk])
    assert (market.rep, market.status, market.income_level) == (rep, "blank", "高")


def test_territory_page_links_to_opening_a_market(client, futian, manager):
    client.force_login(manager)

    response = client.get(reverse("markets:territory_detail", args=[futian.code]))

    assert reverse("markets:territory_market_open", args=[futian.code]) in response.text


def test_manager_opens_a_market_from_the_markets_list(client, futian, rep, manager):
    client.force_login(manager)
    listing = client.get(reverse("markets:market_list"))
    assert reverse("markets:market_open") in listing.text

    response = client.post(reverse("markets:market_open"), {"territory": "440304", "rep": rep.pk})

    assert response.status_code == 302
    assert Market.objects.get(territory=futian).rep == rep


def test_the_form_offers_only_territories_in_scope_without_a_market(
    client, futian, furong, manager
):
    client.force_login(manager)

    response = client.get(reverse("markets:market_open"))

    territory_codes = [
        code for code, _label in response.context["form"].fields["territory"].choices
    ]
    assert [str(code) for code in territory_codes if code] == ["440304"]


def test_a_territory_out_of_scope_is_404(client, furong, manager):
    client.force_login(manager)

    response = client.get(reverse("markets:territory_market_open", args=[furong.code]))

    assert response.status_code == 404


def test_a_rep_may_not_open_a_market(client, futian, rep):
    client.force_login(rep)
    url = reverse("markets:territory_market_open", args=[futian.code])

    assert client.get(url).status_code == 403
    assert client.post(url, {"territory": futian.code, "rep": rep.pk}).status_code == 403
    assert client.get(reverse("markets:market_open")).status_code == 403
    assert not Market.objects.filter(territory=futian).exists()


def test_a_rep_outside_the_territory_is_a_field_error(client, world, futian, manager):
    guangzhou_rep = UserFactory(username="rep_gz", role=Role.REP, territories=[world.guangzhou])
    client.force_login(manager)

    response = client.post(
        reverse("markets:market_open"), {"territory": futian.code, "rep": guangzhou_rep.pk}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["rep"]
    assert not Market.objects.filter(territory=futian).exists()


def test_the_focus_warning_asks_the_manager_to_confirm(client, futian, busy_rep, manager):
    client.force_login(manager)
    url = reverse("markets:territory_market_open", args=[futian.code])
    data = {"territory": futian.code, "rep": busy_rep.pk}

    warned = client.post(url, data)
    assert "confirm_focus" in warned.context["form"].fields
    assert list(warned.context["form"].errors) == ["rep"]
    assert not Market.objects.filter(territory=futian).exists()

    confirmed = client.post(url, {**data, "confirm_focus": "on"})

    assert confirmed.status_code == 302
    assert Market.objects.get(territory=futian).rep == busy_rep


def test_hq_may_open_a_city_market_anywhere(client, world, hq_admin, rep_outside):
    city = CityFactory(code="430200", name="株洲市", parent=world.hunan)
    rep_outside.territories.add(city)
    client.force_login(hq_admin)

    response = client.post(
        reverse("markets:market_open"), {"territory": "430200", "rep": rep_outside.pk}
    )

    assert response.status_code == 302
    assert Market.objects.get(territory=city).rep == rep_outside
