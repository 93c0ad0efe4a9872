"""Dealers as ERP master data on the shared sync contract."""

import pytest

from accounts.models import Role
from dealers.models import Dealer
from integrations.models import Tombstone

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

DEALER = {
    "name": "深圳鹏程商贸",
    "market": "440300",
    "since": "2024-01-01",
    "credit_limit": "500000.00",
    "contact_phone": "0755-88888888",
}


@pytest.fixture
def erp(world):
    return UserFactory(username="erp", role=Role.ERP_CLIENT, all_territories=True)


@pytest.fixture
def api(token_client, erp):
    return token_client(erp)


def record(code, **changes):
    return {"external_code": code, **DEALER, **changes}


def test_put_creates_then_updates_then_is_unchanged(api):
    statuses = [
        api.put("/api/v1/dealers/D-1", DEALER, format="json").status_code,
        api.put("/api/v1/dealers/D-1", {**DEALER, "name": "鹏程"}, format="json").status_code,
    ]
    stamp = Dealer.objects.get().updated_at
    statuses.append(
        api.put("/api/v1/dealers/D-1", {**DEALER, "name": "鹏程"}, format="json").status_code
    )

    assert statuses == [201, 200, 200]
    assert Dealer.objects.get().updated_at == stamp
    assert Dealer.objects.get().market.territory.code == "440300"


def test_bulk_reports_each_record_and_applies_the_good_ones(api):
    response = api.post(
        "/api/v1/dealers/bulk",
        {
            "records": [
                record("D-1"),
                record("D-2", market="999999"),
                record("D-3", since="not a date"),
                record("D-1"),
                record("D-4", market="430100"),
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error", "error", "error", "created"]
    assert list(results[1]["errors"]) == ["market"]
    assert list(results[2]["errors"]) == ["since"]
    assert sorted(Dealer.objects.values_list("external_code", flat=True)) == ["D-1", "D-4"]


def test_bulk_replay_is_unchanged(api):
    batch = {"records": [record(f"D-{n}") for n in range(5)]}
    api.post("/api/v1/dealers/bulk", batch, format="json")

    response = api.post("/api/v1/dealers/bulk", batch, format="json")

    assert response.json()["counts"] == {"unchanged": 5}


def test_scoped_client_cannot_write_outside_or_take_over(token_client, world):
    Dealer.objects.create(
        market=world.changsha_market, name="长沙老店", external_code="D-CS", since="2020-01-01"
    )
    erp = UserFactory(username="erp_gd", role=Role.ERP_CLIENT, territories=[world.guangdong])

    response = token_client(erp).post(
        "/api/v1/dealers/bulk",
        {
            "records": [
                record("D-SZ"),
                record("D-CS2", market="430100"),
                record("D-CS"),
            ]
        },
        format="json",
    )

    assert [r["status"] for r in response.json()["results"]] == ["created", "error", "error"]
    assert Dealer.objects.get(external_code="D-CS").name == "长沙老店"


def test_delete_leaves_a_tombstone_in_the_changes_feed(api):
    api.put("/api/v1/dealers/D-1", DEALER, format="json")

    assert api.delete("/api/v1/dealers/D-1").status_code == 204

    feed = api.get("/api/v1/changes/", {"resource": "dealers"}).json()["results"]
    assert [(r["external_code"], r["deleted"]) for r in feed] == [("D-1", True)]
    assert Tombstone.objects.get().territory_path == "440000/440300/"


def test_rep_outside_gets_404(token_client, rep_outside, api):
    api.put("/api/v1/dealers/D-1", DEALER, format="json")

    assert token_client(rep_outside).get("/api/v1/dealers/D-1").status_code == 404


def test_list_is_three_queries(api, django_assert_max_num_queries):
    api.post(
        "/api/v1/dealers/bulk", {"records": [record(f"D-{n}") for n in range(20)]}, format="json"
    )
    api.get("/api/v1/dealers/")

    with django_assert_max_num_queries(3):
        api.get("/api/v1/dealers/")


def test_list_rows_have_the_detail_shape(api):
    api.put("/api/v1/dealers/D-1", DEALER, format="json")

    listed = api.get("/api/v1/dealers/").json()["results"][0]
    detail = api.get("/api/v1/dealers/D-1").json()

    assert listed == detail
