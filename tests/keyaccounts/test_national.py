"""National key accounts: chains in several regions, with no home territory.

Personas: HQ admin; an all-territory ERP client; the 广东 manager, whose 深圳 holds a
store of the chain; a 湖南 manager, who holds none of its stores.
"""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from keyaccounts.models import Contact, KeyAccount, OutletCard, OutletYear

from ..factories import UserFactory
from .conftest import MEASURES
from .factories import AssessmentFactory, ContactFactory, KeyAccountFactory, OutletCardFactory


@pytest.fixture
def erp_all(world):
    return UserFactory(username="erp_all", role=Role.ERP_CLIENT, all_territories=True)


@pytest.fixture
def erp_guangdong(world):
    return UserFactory(username="erp_gd", role=Role.ERP_CLIENT, territories=[world.guangdong])


@pytest.fixture
def manager_hunan(world):
    return UserFactory(username="mgr_hn", role=Role.MANAGER, territories=[world.hunan])


@pytest.fixture
def national(world):
    """沃尔玛: national, with a store in 深圳 (南山) and none in 湖南."""
    account = KeyAccountFactory(external_code="NAT-1", name="沃尔玛中国", territory=None)
    OutletCardFactory(account=account, outlet__territory=world.nanshan, outlet__name="南山店")
    return account


def put(client, code, payload):
    return client.put(f"/api/v1/key-accounts/{code}", payload, format="json")


# --- creating ------------------------------------------------------------------------


def test_hq_creates_a_national_account_with_the_form(client, hq_admin, world):
    client.force_login(hq_admin)

    response = client.post(
        reverse("keyaccounts:account_create"),
        {"external_code": "NAT-9", "name": "家乐福中国", "format": "hypermarket", "territory": ""},
    )

    account = KeyAccount.objects.get(external_code="NAT-9")
    assert response.status_code == 302
    assert (account.name, account.territory_id) == ("家乐福中国", None)


def test_manager_form_without_a_territory_is_refused_on_the_field(client, manager, world):
    client.force_login(manager)

    response = client.post(
        reverse("keyaccounts:account_create"),
        {"external_code": "NAT-9", "name": "家乐福中国", "format": "hypermarket", "territory": ""},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["territory"]
    assert not KeyAccount.objects.filter(external_code="NAT-9").exists()


def test_hq_creates_a_national_account_with_put(token_client, hq_admin, world):
    response = put(token_client(hq_admin), "NAT-2", {"name": "大润发"})

    assert response.status_code == 201
    assert response.json()["territory"] is None
    assert KeyAccount.objects.get(external_code="NAT-2").territory_id is None


def test_an_all_territory_token_creates_a_national_account(token_client, erp_all, world):
    response = put(token_client(erp_all), "NAT-3", {"name": "永辉超市", "territory": None})

    assert response.status_code == 201
    assert KeyAccount.objects.get(external_code="NAT-3").territory_id is None


@pytest.mark.parametrize(
    "payload",
    [{"name": "永辉超市"}, {"name": "永辉超市", "territory": None}],
    ids=["left-out", "null"],
)
def test_a_scoped_token_without_a_territory_is_refused(token_client, erp_guangdong, world, payload):
    response = put(token_client(erp_guangdong), "NAT-4", payload)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["territory"]
    assert not KeyAccount.objects.filter(external_code="NAT-4").exists()


def test_a_scoped_token_with_a_territory_outside_its_scope_is_refused(
    token_client, erp_guangdong, world
):
    response = put(token_client(erp_guangdong), "NAT-5", {"name": "步步高", "territory": "430100"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["territory"]
    assert not KeyAccount.objects.filter(external_code="NAT-5").exists()


def test_bulk_reports_each_record_a_scoped_token_may_not_write(
    token_client, erp_guangdong, world, national
):
    response = token_client(erp_guangdong).post(
        "/api/v1/key-accounts/bulk",
        {
            "records": [
                {"external_code": "B-1", "name": "甲", "territory": "440300"},
                {"external_code": "B-2", "name": "乙"},
                {"external_code": "B-3", "name": "丙", "territory": None},
                {"external_code": "B-4", "name": "丁", "territory": "430100"},
                {"external_code": "NAT-1", "name": "改名"},
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error", "error", "error", "error"]
    assert [list(r.get("errors", {})) for r in results] == [
        [],
        ["territory"],
        ["territory"],
        ["territory"],
        ["external_code"],
    ]
    assert set(KeyAccount.objects.values_list("external_code", flat=True)) == {"NAT-1", "B-1"}
    national.refresh_from_db()
    assert national.name == "沃尔玛中国"


def test_bulk_by_an_all_territory_token_creates_national_accounts(token_client, erp_all, world):
    response = token_client(erp_all).post(
        "/api/v1/key-accounts/bulk",
        {"records": [{"external_code": "B-1", "name": "甲"}]},
        format="json",
    )

    assert response.json()["results"][0]["status"] == "created"
    assert KeyAccount.objects.get(external_code="B-1").territory_id is None


# --- seeing ----------------------------------------------------------------------------


def test_manager_holding_a_store_sees_the_account_in_list_page_and_api(
    client, token_client, manager, national
):
    client.force_login(manager)

    listed = client.get(reverse("keyaccounts:account_list"))
    page = client.get(reverse("keyaccounts:account_detail", args=[national.pk]))
    api = token_client(manager).get("/api/v1/key-accounts/")

    assert [a.external_code for a in listed.context["object_list"]] == ["NAT-1"]
    assert "全国性客户" in listed.content.decode()
    assert page.status_code == 200
    assert "全国性客户" in page.content.decode()
    assert [(a["external_code"], a["territory"]) for a in api.json()["results"]] == [
        ("NAT-1", None)
    ]
    assert token_client(manager).get("/api/v1/key-accounts/NAT-1").status_code == 200


def test_manager_without_its_stores_does_not_see_it(client, token_client, manager_hunan, national):
    card = national.outlet_cards.get()
    client.force_login(manager_hunan)

    assert client.get(reverse("keyaccounts:account_detail", args=[national.pk])).status_code == 404
    assert client.get(reverse("keyaccounts:outlet_card", args=[card.pk])).status_code == 404
    assert list(client.get(reverse("keyaccounts:account_list")).context["object_list"]) == []
    api = token_client(manager_hunan)
    assert api.get("/api/v1/key-accounts/").json()["results"] == []
    assert api.get("/api/v1/key-accounts/NAT-1").status_code == 404
    assert put(api, "NAT-1", {"name": "改名"}).status_code == 404


def test_an_account_with_several_stores_in_scope_is_listed_once(
    token_client, manager, world, national
):
    OutletCardFactory(account=national, outlet__territory=world.guangzhou)

    assert KeyAccount.objects.for_user(manager).count() == 1
    response = token_client(manager).get("/api/v1/key-accounts/")
    assert [a["external_code"] for a in response.json()["results"]] == ["NAT-1"]


def test_regional_accounts_are_not_seen_through_their_stores(manager_hunan, accounts, world):
    OutletCardFactory(account=accounts.shenzhen, outlet__territory=world.changsha)

    assert list(KeyAccount.objects.for_user(manager_hunan)) == [accounts.changsha]


def test_within_filter_finds_national_accounts_by_their_stores(token_client, hq_admin, national):
    api = token_client(hq_admin)

    inside = api.get("/api/v1/key-accounts/", {"within": "440300"}).json()["results"]
    outside = api.get("/api/v1/key-accounts/", {"within": "430000"}).json()["results"]

    assert ([a["external_code"] for a in inside], outside) == (["NAT-1"], [])


def test_list_query_count_stays_bounded(
    client, manager, world, template, django_assert_max_num_queries
):
    for index in range(15):
        account = KeyAccountFactory(territory=None, name=f"全国{index:02d}")
        OutletCardFactory.create_batch(2, account=account, outlet__territory=world.shenzhen)
        AssessmentFactory(account=account, template=template)
    client.force_login(manager)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("keyaccounts:account_list"))

    assert len(response.context["object_list"]) == 15


def test_matrix_export_and_api_show_national_accounts_to_their_managers(
    client, token_client, manager, manager_hunan, national, template
):
    AssessmentFactory(account=national, template=template, year=2025)
    client.force_login(manager)

    page = client.get(reverse("keyaccounts:matrix"), {"year": 2025})
    book = load_workbook(
        BytesIO(client.get(reverse("keyaccounts:matrix_export"), {"year": 2025}).content)
    )
    api = token_client(manager).get("/api/v1/ka-matrix", {"year": 2025, "region": "440300"})
    other = token_client(manager_hunan).get("/api/v1/ka-matrix", {"year": 2025})

    assert [p.external_code for p in page.context["points"]] == ["NAT-1"]
    assert [row[2] for row in book.active.iter_rows(min_row=3, values_only=True)] == ["全国性客户"]
    assert [(p["external_code"], p["territory"]) for p in api.json()] == [("NAT-1", None)]
    assert other.json() == []


# --- writing ---------------------------------------------------------------------------


def test_manager_may_not_change_the_national_profile(client, token_client, manager, national):
    client.force_login(manager)

    page = client.post(reverse("keyaccounts:account_edit", args=[national.pk]), {"name": "改名"})
    api = put(token_client(manager), "NAT-1", {"name": "改名"})
    assessment = token_client(manager).put(
        "/api/v1/key-accounts/NAT-1/assessments/2025",
        {key: str(value) for key, value in MEASURES.items()},
        format="json",
    )

    assert (page.status_code, api.status_code, assessment.status_code) == (403, 403, 403)
    national.refresh_from_db()
    assert national.name == "沃尔玛中国"
    assert not national.assessments.exists()


def test_manager_edits_the_store_card_in_their_territory_only(client, manager, world, national):
    own = national.outlet_cards.get()
    other = OutletCardFactory(account=national, outlet__territory=world.changsha)
    client.force_login(manager)

    own_page = client.get(reverse("keyaccounts:record_edit", args=[national.pk, "stores", own.pk]))
    other_page = client.post(
        reverse("keyaccounts:record_edit", args=[national.pk, "stores", other.pk]),
        {"outlet": other.outlet_id, "visits_per_month": 9},
    )

    assert (own_page.status_code, other_page.status_code) == (200, 403)
    assert OutletCard.objects.get(pk=other.pk).visits_per_month == 0


def test_hq_changes_the_national_profile(client, token_client, hq_admin, national):
    response = put(token_client(hq_admin), "NAT-1", {"name": "沃尔玛（中国）"})

    assert response.status_code == 200
    national.refresh_from_db()
    assert (national.name, national.territory_id) == ("沃尔玛（中国）", None)


def test_child_records_follow_the_national_account(client, manager, manager_hunan, national):
    card = national.outlet_cards.get()
    year = OutletYear.objects.create(card=card, year=2025)
    contact = ContactFactory(account=national)
    client.force_login(manager)

    assert client.get(reverse("keyaccounts:outlet_card", args=[card.pk])).status_code == 200
    assert (
        list(Contact.objects.for_user(manager)),
        list(OutletYear.objects.for_user(manager)),
    ) == (
        [contact],
        [year],
    )
    assert not Contact.objects.for_user(manager_hunan).exists()
    assert not OutletYear.objects.for_user(manager_hunan).exists()
