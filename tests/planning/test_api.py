"""/api/v1/targets: PUT and bulk by key with a revision per change, scope, roles, pulls.
(The sync contract itself runs over this resource in tests/api/test_sync_contract.py.)"""

from decimal import Decimal

import pytest

from accounts.models import Role
from integrations.services import api_client_create
from planning.choices import RevisionSource
from planning.models import Target, TargetRevision

from ..factories import UserFactory
from .factories import DealerFactory

KEY = "2026-01-sell_in_value-440300"


@pytest.fixture
def erp_guangdong(world):
    erp, raw = api_client_create(
        name="ERP 广东",
        resource_scopes={"targets": "write"},
        all_territories=False,
        territory_ids=[world.guangdong.pk],
    )
    return erp.user, raw


def test_put_creates_then_updates_and_each_write_is_a_revision_of_the_tokens_user(
    api_client, world, erp_guangdong
):
    erp_user, raw = erp_guangdong
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    created = api_client.put(f"/api/v1/targets/{KEY}", {"value": "1200"}, format="json")
    updated = api_client.put(f"/api/v1/targets/{KEY}", {"value": "1500"}, format="json")

    assert (created.status_code, updated.status_code) == (201, 200)
    assert updated.json() | {"updated_at": None} == {
        "external_code": KEY,
        "year": 2026,
        "month": 1,
        "measure": "sell_in_value",
        "territory": "440300",
        "dealer": None,
        "value": "1500",
        "note": "",
        "updated_at": None,
    }
    revisions = TargetRevision.objects.order_by("id")
    assert [(r.old_value, r.new_value, r.source, r.changed_by) for r in revisions] == [
        (None, Decimal(1200), RevisionSource.API, erp_user),
        (Decimal(1200), Decimal(1500), RevisionSource.API, erp_user),
    ]


def test_a_dealer_target_names_a_dealer_of_that_market(api_client, world, erp_guangdong):
    DealerFactory(external_code="D-SZ", market=world.shenzhen_market)
    DealerFactory(external_code="D-CS", market=world.changsha_market)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp_guangdong[1]}")

    ok = api_client.put(f"/api/v1/targets/{KEY}-D-SZ", {"value": "10"}, format="json")
    foreign = api_client.put(f"/api/v1/targets/{KEY}-D-CS", {"value": "10"}, format="json")

    assert ok.status_code == 201
    assert ok.json()["dealer"] == "D-SZ"
    assert foreign.status_code == 404
    assert Target.objects.count() == 1


def test_a_key_naming_no_market_is_404_on_put_and_an_error_in_bulk(
    api_client, world, erp_guangdong
):
    DealerFactory(external_code="D-CS", market=world.changsha_market)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp_guangdong[1]}")
    unknown = "2026-01-sell_in_value-440999"

    put = api_client.put(f"/api/v1/targets/{unknown}", {"value": "1"}, format="json")
    bulk = api_client.post(
        "/api/v1/targets/bulk",
        [
            {"external_code": unknown, "value": "1"},
            {"external_code": f"{KEY}-D-CS", "value": "1"},
            {"external_code": "2026-1-sell_in_value-440300", "value": "1"},
            {"external_code": KEY, "value": "1"},
        ],
        format="json",
    )

    assert put.status_code == 404
    results = bulk.json()["results"]
    assert [r["status"] for r in results] == ["error", "error", "error", "created"]
    assert all("external_code" in r["errors"] for r in results[:3])
    assert list(Target.objects.values_list("external_code", flat=True)) == [KEY]


def test_a_negative_value_is_a_400_naming_the_field(api_client, world, erp_guangdong):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp_guangdong[1]}")

    response = api_client.put(f"/api/v1/targets/{KEY}", {"value": "-1"}, format="json")

    assert response.status_code == 400
    assert "value" in response.json()["errors"]


def test_a_rep_may_read_but_not_write_targets(token_client, world, rep, hq_admin):
    client = token_client(hq_admin)
    assert client.put(f"/api/v1/targets/{KEY}", {"value": "1"}, format="json").status_code == 201
    as_rep = token_client(rep)

    assert as_rep.get(f"/api/v1/targets/{KEY}").status_code == 200
    assert as_rep.put(f"/api/v1/targets/{KEY}", {"value": "2"}, format="json").status_code == 403
    assert Target.objects.get().value == Decimal(1)


def test_another_regions_manager_gets_404(token_client, world, hq_admin):
    token_client(hq_admin).put(f"/api/v1/targets/{KEY}", {"value": "1"}, format="json")
    other = UserFactory(username="mgr_hn", role=Role.MANAGER, territories=[world.hunan])
    client = token_client(other)

    assert client.get(f"/api/v1/targets/{KEY}").status_code == 404
    assert client.put(f"/api/v1/targets/{KEY}", {"value": "9"}, format="json").status_code == 404
    assert client.get("/api/v1/targets/").json()["results"] == []


def test_incremental_pull_filters_by_updated_since_and_measure(token_client, world, hq_admin):
    client = token_client(hq_admin)
    client.post(
        "/api/v1/targets/bulk",
        {
            "records": [
                {"external_code": KEY, "value": "1"},
                {"external_code": "2026-01-collections-440300", "value": "2"},
            ]
        },
        format="json",
    )
    since = Target.objects.get(external_code=KEY).updated_at.isoformat()

    response = client.get("/api/v1/targets/", {"updated_since": since, "measure": "collections"})

    assert [t["external_code"] for t in response.json()["results"]] == [
        "2026-01-collections-440300"
    ]


def test_list_is_a_fixed_number_of_queries(
    token_client, world, hq_admin, django_assert_max_num_queries
):
    client = token_client(hq_admin)
    client.post(
        "/api/v1/targets/bulk",
        {
            "records": [
                {"external_code": f"2026-{m:02d}-sell_in_value-440300", "value": "1"}
                for m in range(1, 13)
            ]
        },
        format="json",
    )

    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/targets/")

    assert len(response.json()["results"]) == 12
