from dealerhub.core.api import throttling
from integrations.models import Tombstone
from integrations.services import tombstone_record


def test_token_without_the_resource_gets_404(make_client, bearer):
    _erp, raw = make_client(scopes={"dealers": "read"})

    assert bearer(raw).get("/api/v1/changes/").status_code == 404


def test_read_scope_can_read(make_client, bearer):
    _erp, raw = make_client(scopes={"changes": "read"})

    assert bearer(raw).get("/api/v1/changes/").status_code == 200


def test_changes_feed_lists_tombstones_in_territory_scope(make_client, bearer, world):
    tombstone_record(resource="dealers", external_code="D-SZ", territory_path=world.shenzhen.path)
    tombstone_record(resource="dealers", external_code="D-CS", territory_path=world.changsha.path)
    _erp, raw = make_client(scopes={"changes": "read"}, territories=[world.guangdong])

    body = bearer(raw).get("/api/v1/changes/").json()

    assert [(r["external_code"], r["deleted"]) for r in body["results"]] == [("D-SZ", True)]


def test_changes_feed_filters_by_since(make_client, bearer, world):
    old = tombstone_record(resource="dealers", external_code="OLD", territory_path="440000/")
    Tombstone.objects.filter(pk=old.pk).update(deleted_at="2020-01-01T00:00:00+08:00")
    tombstone_record(resource="dealers", external_code="NEW", territory_path="440000/")
    _erp, raw = make_client()

    body = bearer(raw).get("/api/v1/changes/", {"since": "2025-01-01T00:00:00+08:00"}).json()

    assert [r["external_code"] for r in body["results"]] == ["NEW"]


def test_throttle_answers_429_with_retry_after(make_client, bearer, monkeypatch):
    # Half way through a one-minute window, so the requests cannot straddle two windows.
    monkeypatch.setattr(throttling, "clock", lambda: 1_800_000_030.0)
    _erp, raw = make_client(rate=2)
    api = bearer(raw)

    statuses = [api.get("/api/v1/changes/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = api.get("/api/v1/changes/")
    assert int(response["Retry-After"]) == 30
    assert response.json()["code"] == "throttled"


def test_throttle_fails_open_when_redis_is_down(make_client, bearer, settings):
    _erp, raw = make_client(rate=1)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    api = bearer(raw)

    assert [api.get("/api/v1/changes/").status_code for _ in range(3)] == [200, 200, 200]


def test_requests_are_logged_with_the_client_name(make_client, bearer, caplog):
    _erp, raw = make_client(name="金蝶 K3")

    with caplog.at_level("INFO", logger="dealerhub.api"):
        bearer(raw).get("/api/v1/changes/")

    assert "client=金蝶 K3" in caplog.text


def test_token_request_costs_two_queries_for_a_client_with_all_territories(
    make_client, bearer, django_assert_max_num_queries
):
    _erp, raw = make_client()
    api = bearer(raw)
    api.get("/api/v1/changes/")  # first use records last_used_at

    with django_assert_max_num_queries(2):
        api.get("/api/v1/changes/")
