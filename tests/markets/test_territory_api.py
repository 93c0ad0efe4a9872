import pytest

from accounts.models import Role
from markets.models import Territory

from ..factories import UserFactory


@pytest.fixture
def erp_all(db):
    return UserFactory(username="erp", role=Role.ERP_CLIENT, all_territories=True)


def test_put_creates_a_province(token_client, erp_all):
    response = token_client(erp_all).put(
        "/api/v1/territories/450000",
        {"name": "广西壮族自治区", "level": "province", "parent": None},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["code"] == "450000"
    assert Territory.objects.get(code="450000").path == "450000/"


def test_put_creates_a_city_under_its_parent(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440400",
        {"name": "珠海市", "level": "city", "parent": "440000", "tier": "tier2"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["parent"], body["tier"]) == ("440000", "tier2")


def test_put_on_existing_code_updates(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440300",
        {"name": "深圳", "level": "city", "parent": "440000", "tier": "key"},
        format="json",
    )

    assert response.status_code == 200
    assert Territory.objects.get(code="440300").name == "深圳"


def test_moving_a_node_moves_its_subtree(token_client, erp_all, world):
    token_client(erp_all).put(
        "/api/v1/territories/440300",
        {"name": "深圳市", "level": "city", "parent": "430000", "tier": "key"},
        format="json",
    )

    assert Territory.objects.get(code="440305").path == "430000/440300/440305/"


def test_put_with_bad_fields_names_each_field(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440400",
        {"name": "", "level": "metropolis", "parent": "440000"},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"name", "level"}
    assert body["code"] == "invalid"
    assert response["Content-Type"] == "application/problem+json"
    assert not Territory.objects.filter(code="440400").exists()


def test_put_with_unknown_parent_is_a_field_error(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440400",
        {"name": "珠海市", "level": "city", "parent": "449999"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["parent"]


def test_tier_on_a_county_is_refused(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440306",
        {"name": "宝安区", "level": "county", "parent": "440300", "tier": "key"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["tier"]


def test_city_under_a_county_is_refused(token_client, erp_all, world):
    response = token_client(erp_all).put(
        "/api/v1/territories/440399",
        {"name": "错误市", "level": "city", "parent": "440305"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["parent"]


def test_get_returns_territory_fields(api_client, hq_admin, world):
    api_client.force_authenticate(hq_admin)

    body = api_client.get("/api/v1/territories/440305").json()

    assert body["code"] == "440305"
    assert body["name"] == "南山区"
    assert body["level"] == "county"
    assert body["parent"] == "440300"


def test_list_filters_by_level(api_client, hq_admin, world):
    api_client.force_authenticate(hq_admin)

    body = api_client.get("/api/v1/territories/", {"level": "province"}).json()

    assert sorted(item["code"] for item in body["results"]) == ["430000", "440000"]


def test_list_filters_by_parent(api_client, hq_admin, world):
    api_client.force_authenticate(hq_admin)

    body = api_client.get("/api/v1/territories/", {"parent": "440000"}).json()

    assert sorted(item["code"] for item in body["results"]) == ["440100", "440300"]


def test_list_is_bounded_in_queries(api_client, hq_admin, world, django_assert_max_num_queries):
    api_client.force_authenticate(hq_admin)

    with django_assert_max_num_queries(3):
        api_client.get("/api/v1/territories/")


def test_rep_cannot_write_territories_in_scope(token_client, rep):
    response = token_client(rep).put(
        "/api/v1/territories/440300",
        {"name": "改名", "level": "city", "parent": "440000"},
        format="json",
    )

    assert response.status_code == 403
    assert Territory.objects.get(code="440300").name == "深圳市"


def test_scoped_erp_client_cannot_create_outside_its_scope(token_client, world):
    erp = UserFactory(username="erp_sz", role=Role.ERP_CLIENT, territories=[world.shenzhen])

    response = token_client(erp).put(
        "/api/v1/territories/430111",
        {"name": "雨花区", "level": "county", "parent": "430100"},
        format="json",
    )

    assert response.status_code == 400
    assert not Territory.objects.filter(code="430111").exists()


def test_anonymous_is_refused(api_client, world):
    response = api_client.get("/api/v1/territories/440300")

    assert response.status_code in (401, 403)


def test_schema_is_generated(api_client, hq_admin):
    api_client.force_authenticate(hq_admin)

    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "put" in paths["/api/v1/territories/{code}"]
