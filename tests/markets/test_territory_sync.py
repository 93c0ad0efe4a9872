"""The ERP sync contract on territories: upsert outcomes, ETags, idempotency, bulk, cursors."""

import base64
import json
import threading

import pytest
import requests

from accounts.models import Role
from markets.models import Territory

from ..factories import CityFactory, UserFactory

SHENZHEN = {"name": "深圳市", "level": "city", "parent": "440000", "tier": "key"}


@pytest.fixture
def erp(db):
    return UserFactory(username="erp", role=Role.ERP_CLIENT, all_territories=True)


@pytest.fixture
def api(token_client, erp, world):
    return token_client(erp)


def test_put_with_same_values_is_unchanged_and_writes_nothing(api):
    before = Territory.objects.get(code="440300").updated_at

    response = api.put("/api/v1/territories/440300", SHENZHEN, format="json")

    assert response.status_code == 200
    assert Territory.objects.get(code="440300").updated_at == before


def test_get_carries_an_etag(api):
    response = api.get("/api/v1/territories/440300")

    assert response["ETag"].startswith('"')


def test_if_match_with_a_stale_etag_is_412_and_changes_nothing(api):
    etag = api.get("/api/v1/territories/440300")["ETag"]
    api.put("/api/v1/territories/440300", {**SHENZHEN, "name": "深圳"}, format="json")

    response = api.put(
        "/api/v1/territories/440300",
        {**SHENZHEN, "name": "鹏城"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert Territory.objects.get(code="440300").name == "深圳"


def test_if_match_with_the_current_etag_applies(api):
    etag = api.get("/api/v1/territories/440300")["ETag"]

    response = api.put(
        "/api/v1/territories/440300",
        {**SHENZHEN, "name": "深圳"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200


def test_replay_with_same_key_returns_stored_response_and_applies_nothing(api):
    first = api.put(
        "/api/v1/territories/440400",
        {"name": "珠海市", "level": "city", "parent": "440000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    Territory.objects.filter(code="440400").update(name="改过的名字")

    replay = api.put(
        "/api/v1/territories/440400",
        {"name": "珠海市", "level": "city", "parent": "440000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Territory.objects.get(code="440400").name == "改过的名字"


def test_same_key_with_another_body_is_refused(api):
    api.put(
        "/api/v1/territories/440400",
        {"name": "珠海市", "level": "city", "parent": "440000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    response = api.put(
        "/api/v1/territories/440400",
        {"name": "珠海", "level": "city", "parent": "440000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Territory.objects.get(code="440400").name == "珠海市"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_apply_once(live_server, world):
    from accounts.models import ApiToken

    erp = UserFactory(username="erp_c", role=Role.ERP_CLIENT, all_territories=True)
    _token, raw = ApiToken.issue(user=erp, name="t")
    url = f"{live_server.url}/api/v1/territories/bulk"
    body = {
        "records": [
            {"code": f"4409{n:02d}", "name": f"区{n}", "level": "county", "parent": "440300"}
            for n in range(50)
        ]
    }
    headers = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "same"}
    responses = []

    def send():
        responses.append(requests.post(url, json=body, headers=headers, timeout=30))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [200] * 4
    assert [r.json()["counts"] for r in responses] == [{"created": 50}] * 4
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 3


def test_bulk_applies_good_records_and_reports_bad_ones_in_order(api):
    response = api.post(
        "/api/v1/territories/bulk",
        {
            "records": [
                {"code": "440404", "name": "金湾区", "level": "county", "parent": "440400"},
                {"code": "440400", "name": "珠海市", "level": "city", "parent": "440000"},
                {"code": "440999", "name": "", "level": "county", "parent": "440300"},
                {"code": "440300", **SHENZHEN},
                {"code": "440998", "name": "坏区", "level": "county", "parent": "449999"},
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "error", "unchanged", "error"]
    assert list(results[2]["errors"]) == ["name"]
    assert list(results[4]["errors"]) == ["parent"]
    assert Territory.objects.get(code="440404").path == "440000/440400/440404/"
    assert not Territory.objects.filter(code__in=["440999", "440998"]).exists()


def test_bulk_over_the_limit_is_refused_whole(api):
    records = [{"code": f"{450000 + n}", "name": "x", "level": "province"} for n in range(1001)]

    response = api.post("/api/v1/territories/bulk", {"records": records}, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"
    assert not Territory.objects.filter(code="450000").exists()


def test_scoped_client_cannot_bulk_write_outside_its_territories(token_client, world):
    erp = UserFactory(username="erp_gd", role=Role.ERP_CLIENT, territories=[world.guangdong])

    response = token_client(erp).post(
        "/api/v1/territories/bulk",
        {
            "records": [
                {"code": "430111", "name": "雨花区", "level": "county", "parent": "430100"},
                {"code": "440308", "name": "盐田区", "level": "county", "parent": "440300"},
            ]
        },
        format="json",
    )

    assert [r["status"] for r in response.json()["results"]] == ["error", "created"]
    assert not Territory.objects.filter(code="430111").exists()


def _pages(api, url):
    while url:
        body = api.get(url).json()
        yield body["results"]
        url = body["next"]


def test_cursor_pages_skip_and_repeat_nothing_under_interleaved_writes(api, world):
    for n in range(10):
        CityFactory(code=f"{441000 + n * 100}", parent=world.guangdong)
    original = set(Territory.objects.values_list("code", flat=True))
    seen = []
    pages = _pages(api, "/api/v1/territories/?page_size=4")

    seen += [row["code"] for row in next(pages)]
    CityFactory(code="445100", parent=world.guangdong)  # a new row between pages
    Territory.objects.filter(code=seen[0]).update(name="改名")  # an already-served row changes
    for page in pages:
        seen += [row["code"] for row in page]

    unchanged = [code for code in seen if code != seen[0]]
    assert len(unchanged) == len(set(unchanged))
    assert original <= set(seen)


def test_bad_cursor_is_a_clear_404(api):
    cursor = base64.urlsafe_b64encode(json.dumps({"x": 1}).encode()).decode()

    response = api.get("/api/v1/territories/", {"cursor": cursor})

    assert response.status_code == 404


def test_read_only_token_cannot_write(make_client_for_territories):
    api = make_client_for_territories({"territories": "read"})

    response = api.put("/api/v1/territories/440300", SHENZHEN, format="json")

    assert response.status_code == 404
    assert api.get("/api/v1/territories/440300").status_code == 200


@pytest.fixture
def make_client_for_territories(world, api_client):
    from integrations.services import api_client_create

    def make(scopes):
        _client, raw = api_client_create(name="ERP-R", resource_scopes=scopes, all_territories=True)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return api_client

    return make


def test_bulk_moving_a_parent_and_adding_its_child_paths_both(api):
    response = api.post(
        "/api/v1/territories/bulk",
        {
            "records": [
                {"code": "440306", "name": "宝安区", "level": "county", "parent": "440300"},
                {
                    "code": "440300",
                    "name": "深圳市",
                    "level": "city",
                    "parent": "430000",
                    "tier": "key",
                },
            ]
        },
        format="json",
    )

    assert [r["status"] for r in response.json()["results"]] == ["created", "updated"]
    assert Territory.objects.get(code="440306").path == "430000/440300/440306/"
    assert Territory.objects.get(code="440305").path == "430000/440300/440305/"
