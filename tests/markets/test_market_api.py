"""PUT /api/v1/markets/{code} (open or update a market) and POST …/status (the rules).

The sync contract itself (ETag, If-Match, idempotency, partial updates, scope) runs over
this resource in tests/api/test_sync_contract.py; here is what is the markets' own."""

import pytest

from accounts.models import Role
from markets.models import Market, MarketStatusChange

from ..factories import CountyFactory, MarketFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def futian(world):
    return CountyFactory(code="440304", name="福田区", parent=world.shenzhen)


@pytest.fixture
def erp_gd(world):
    """An ERP client user that sees 广东 only."""
    return UserFactory(username="erp_gd", role=Role.ERP_CLIENT, territories=[world.guangdong])


def test_put_opens_a_blank_market_with_its_rep(token_client, manager, rep, futian):
    response = token_client(manager).put(
        "/api/v1/markets/440304",
        {"rep": rep.username, "income_level": "高", "status": "developed"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("territory", "name", "status", "rep")} == {
        "territory": "440304",
        "name": "福田区",
        "status": "blank",
        "rep": rep.username,
    }
    assert response["ETag"]


def test_put_never_changes_the_status(token_client, manager, world):
    response = token_client(manager).put(
        "/api/v1/markets/440300", {"status": "paused", "notes": "重点"}, format="json"
    )

    assert response.status_code == 200
    assert Market.objects.get(territory=world.shenzhen).status == "developed"
    assert not MarketStatusChange.objects.exists()


def test_put_changes_the_rep_and_keeps_the_profile(token_client, manager, rep, world):
    Market.objects.filter(pk=world.nanshan_market.pk).update(income_level="高")

    response = token_client(manager).put(
        "/api/v1/markets/440305", {"rep": rep.username}, format="json"
    )

    assert response.status_code == 200
    market = Market.objects.get(pk=world.nanshan_market.pk)
    assert (market.rep, market.income_level) == (rep, "高")


def test_put_with_a_rep_who_does_not_cover_it_is_a_field_error(
    token_client, manager, rep_outside, futian
):
    response = token_client(manager).put(
        "/api/v1/markets/440304", {"rep": rep_outside.username}, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"rep": ["This rep does not cover this territory."]}
    assert not Market.objects.filter(territory=futian).exists()


def test_a_rep_may_not_open_a_market_by_api(token_client, rep, futian):
    response = token_client(rep).put("/api/v1/markets/440304", {}, format="json")

    assert response.status_code == 403
    assert not Market.objects.filter(territory=futian).exists()


def test_a_territory_outside_the_token_is_404(token_client, erp_gd, world):
    CountyFactory(code="430102", parent=world.changsha)

    response = token_client(erp_gd).put("/api/v1/markets/430102", {}, format="json")

    assert response.status_code == 404
    assert not Market.objects.filter(territory__code="430102").exists()


def test_a_province_cannot_be_a_market(token_client, manager, world):
    response = token_client(manager).put("/api/v1/markets/440000", {}, format="json", **EN)

    assert response.status_code == 400
    assert response.json()["errors"] == {"territory": ["Only a city or a county can be a market."]}


def test_the_first_route_by_id_still_reads(token_client, manager, world):
    response = token_client(manager).get(f"/api/v1/markets/{world.shenzhen_market.pk}/")

    assert response.status_code == 200
    assert response.json()["territory"] == "440300"


# --- POST /api/v1/markets/{code}/status ---------------------------------------------------


def test_status_moves_one_step_and_is_recorded(token_client, erp_gd, world):
    response = token_client(erp_gd).post(
        "/api/v1/markets/440305/status", {"status": "trial", "reason": "批发商试销"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "trial"
    change = MarketStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "researching",
        "trial",
        "批发商试销",
        erp_gd,
    )


def test_a_rule_that_forbids_the_change_is_a_400_with_its_message(token_client, manager, world):
    response = token_client(manager).post(
        "/api/v1/markets/440305/status", {"status": "developing"}, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["A market moves forward one step at a time."]}
    assert Market.objects.get(pk=world.nanshan_market.pk).status == "researching"
    assert not MarketStatusChange.objects.exists()


def test_pausing_without_a_reason_names_the_reason_field(token_client, manager, world):
    response = token_client(manager).post(
        "/api/v1/markets/440300/status", {"status": "paused"}, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Pausing a market needs a reason."]}


def test_status_of_a_market_out_of_scope_is_404(token_client, manager, world):
    response = token_client(manager).post(
        "/api/v1/markets/430100/status", {"status": "developing"}, format="json"
    )

    assert response.status_code == 404
    assert Market.objects.get(pk=world.changsha_market.pk).status == "trial"


def test_a_rep_of_another_market_may_not_move_it(token_client, world):
    guangzhou_rep = UserFactory(username="rep_gz", role=Role.REP, territories=[world.guangdong])

    response = token_client(guangzhou_rep).post(
        "/api/v1/markets/440305/status", {"status": "trial"}, format="json"
    )

    assert response.status_code == 403
    assert Market.objects.get(pk=world.nanshan_market.pk).status == "researching"


def test_status_with_a_stale_if_match_is_412(token_client, manager, world):
    client = token_client(manager)
    etag = client.get("/api/v1/markets/440305")["ETag"]
    client.put("/api/v1/markets/440305", {"notes": "新备注"}, format="json")

    response = client.post(
        "/api/v1/markets/440305/status", {"status": "trial"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert Market.objects.get(pk=world.nanshan_market.pk).status == "researching"


def test_status_replay_with_the_same_idempotency_key_applies_once(token_client, manager, world):
    client = token_client(manager)
    body = {"status": "trial", "reason": "试销"}

    first = client.post(
        "/api/v1/markets/440305/status", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    replay = client.post(
        "/api/v1/markets/440305/status", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )

    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay["Idempotent-Replayed"] == "true"
    assert MarketStatusChange.objects.count() == 1


def test_focus_warning_on_status_is_a_400_for_an_erp(token_client, erp_gd, rep, world):
    for code in ("440306", "440307", "440308"):
        MarketFactory(
            territory=CountyFactory(code=code, parent=world.shenzhen), status="trial", rep=rep
        )
    Market.objects.filter(pk=world.nanshan_market.pk).update(rep=rep)

    response = token_client(erp_gd).post(
        "/api/v1/markets/440305/status", {"status": "trial"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
    assert Market.objects.get(pk=world.nanshan_market.pk).status == "researching"
