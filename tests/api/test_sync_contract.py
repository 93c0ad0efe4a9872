"""The sync contract, run over every registered resource (docs/sync-guide.md promises).

Registering a resource (declaring a ``SyncViewSet`` with a ``sync_resource``) puts it
under every test here; ``test_every_registered_resource_has_a_contract_entry`` fails
until it has an entry in ``tests/api/contract.py``.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from dealerhub.core.api.sync import BULK_LIMIT, REGISTRY
from integrations.services import api_client_create

from .contract import RESOURCES, changed_values, prepare

NAMES = sorted(RESOURCES)
BULK = sorted(name for name, resource in RESOURCES.items() if resource.bulk)
DELETABLE = sorted(name for name, resource in RESOURCES.items() if resource.deletable)


def _client(territories=None) -> APIClient:
    _erp, raw = api_client_create(
        name="ERP" if territories is None else "ERP 广东",
        resource_scopes={"*": "write"},
        all_territories=territories is None,
        territory_ids=[t.pk for t in territories or []],
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def erp(world):
    """An ERP token that sees 广东 only."""
    return _client([world.guangdong])


@pytest.fixture
def erp_everywhere(world):
    return _client()


@pytest.fixture(params=NAMES)
def resource(request, world):
    resource = RESOURCES[request.param]
    prepare(resource, world)
    return resource


def test_every_registered_resource_has_a_contract_entry():
    assert set(REGISTRY) == set(RESOURCES), "add the resource to tests/api/contract.py"


def test_create_then_unchanged_then_update(resource, erp):
    key = resource.keys[0]
    created = resource.create(erp, key)
    assert created.status_code == 201, created.content
    assert created["ETag"]

    if resource.name != "surveys":  # surveys are created once, by POST
        again = resource.create(erp, key)
        assert again.status_code == 200
        assert again.json()["updated_at"] == created.json()["updated_at"]  # nothing written
        assert again["ETag"] == created["ETag"]

    value = changed_values(resource, 1)[0]
    updated = resource.write(erp, key, resource.partial(value))
    assert updated.status_code == 200, updated.content
    assert updated.json()[resource.changed] == value
    assert updated["ETag"] != created["ETag"]
    read = resource.read(erp, key)
    assert read.status_code == 200
    assert read["ETag"] == updated["ETag"]


def test_partial_record_keeps_the_fields_it_leaves_out(resource, erp):
    key = resource.keys[0]
    assert resource.create(erp, key).status_code == 201
    field, value = resource.kept

    response = resource.write(erp, key, resource.partial(changed_values(resource, 1)[0]))

    assert response.status_code == 200, response.content
    assert response.json()[field] == value


def test_stale_if_match_is_412_and_writes_nothing(resource, erp):
    key = resource.keys[0]
    first, second = changed_values(resource, 2)
    etag = resource.create(erp, key)["ETag"]
    assert resource.write(erp, key, resource.partial(first), HTTP_IF_MATCH=etag).status_code == 200

    stale = resource.write(erp, key, resource.partial(second), HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert resource.read(erp, key).json()[resource.changed] == first


def test_idempotent_replay_returns_the_stored_answer_and_applies_nothing(resource, erp):
    key = resource.keys[0]
    first = resource.create(erp, key, HTTP_IDEMPOTENCY_KEY="load-1")
    assert first.status_code == 201

    replay = resource.create(erp, key, HTTP_IDEMPOTENCY_KEY="load-1")

    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()


def test_same_idempotency_key_with_another_body_is_422(resource, erp):
    key = resource.keys[0]
    assert resource.create(erp, key, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    value = changed_values(resource, 1)[0]

    reused = resource.write(erp, key, resource.partial(value), HTTP_IDEMPOTENCY_KEY="k-1")

    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_a_token_never_reads_or_writes_outside_its_territories(resource, erp, erp_everywhere):
    if not resource.territorial:
        pytest.skip("company-wide master data: every token reads it")
    outside = resource.outside_key
    assert resource.create(erp_everywhere, outside, inside=False).status_code == 201

    assert resource.read(erp, outside).status_code == 404
    value = changed_values(resource, 1)[0]
    assert resource.write(erp, outside, resource.partial(value)).status_code == 404
    assert resource.read(erp_everywhere, outside).json()[resource.changed] != value


def test_creating_into_another_territory_is_refused(resource, erp):
    if not resource.territorial:
        pytest.skip("company-wide master data has no territory")
    key = resource.outside_key

    response = resource.create(erp, key, inside=False)

    assert response.status_code in (400, 404), response.content
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("name", BULK)
def test_bulk_with_good_bad_duplicate_and_foreign_records(name, world, erp):
    resource = RESOURCES[name]
    prepare(resource, world)
    existing, new, foreign = resource.keys[0], resource.keys[1], resource.keys[2]
    assert resource.create(erp, existing).status_code == 201
    field, kept = resource.kept
    value = changed_values(resource, 1)[0]
    bad = resource.record(resource.keys[3])
    bad.pop(resource.changed)  # a new record without a required field

    records = [
        resource.record(new),
        {resource.key_field: existing, resource.changed: value},
        bad,
        resource.record(new),
    ]
    if resource.territorial:
        records.append(resource.record(foreign, inside=False))

    response = erp.post(f"/api/v1/{resource.bulk}", {"records": records}, format="json")

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    expected = ["created", "updated", "error", "error"] + ["error"] * resource.territorial
    assert [r["status"] for r in results] == expected
    assert resource.changed in results[2]["errors"]
    assert resource.key_field in results[3]["errors"]  # appears twice in the batch
    assert resource.read(erp, existing).json()[field] == kept
    assert resource.read(erp, existing).json()[resource.changed] == value
    assert resource.read(erp, foreign).status_code == 404  # never created
    assert resource.read(erp, resource.keys[3]).status_code == 404


@pytest.mark.parametrize("name", BULK)
def test_batch_over_the_limit_is_refused_whole(name, world, erp):
    resource = RESOURCES[name]
    records = [resource.record(resource.keys[0])] * (BULK_LIMIT + 1)

    response = erp.post(f"/api/v1/{resource.bulk}", {"records": records}, format="json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert resource.read(erp, resource.keys[0]).status_code == 404


@pytest.mark.parametrize("name", DELETABLE)
def test_delete_leaves_a_tombstone(name, world, erp):
    resource = RESOURCES[name]
    prepare(resource, world)
    key = resource.keys[0]
    etag = resource.create(erp, key)["ETag"]

    response = erp.delete(resource.url(key), HTTP_IF_MATCH=etag)

    assert response.status_code == 204
    assert resource.read(erp, key).status_code == 404
    changes = erp.get("/api/v1/changes/", {"resource": name}).json()["results"]
    assert [(c["external_code"], c["deleted"]) for c in changes] == [(key, True)]


# --- concurrency: real transactions racing on one record -----------------------------------


def _race(requests: list) -> list:
    """Run the callables at once, each in its own thread and database connection."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_with_one_etag_let_exactly_one_win(resource, erp):
    key = resource.keys[0]
    etag = resource.create(erp, key)["ETag"]
    values = changed_values(resource, 10)

    responses = _race(
        [
            lambda v=v: resource.write(erp, key, resource.partial(v), HTTP_IF_MATCH=etag)
            for v in values
        ]
    )

    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 412: 9}
    winner = next(r for r in responses if r.status_code == 200).json()[resource.changed]
    assert resource.read(erp, key).json()[resource.changed] == winner


def test_an_unchanged_write_keeps_the_etag_for_the_next_writer(resource, erp):
    """Writing the stored value writes nothing, so the ETag stays current: a writer that
    read the same version still wins after it (why the race above sends changed values)."""
    key = resource.keys[0]
    stored = resource.body(key).get(resource.changed)
    if stored is None:
        pytest.skip("the create body leaves the changed field out")
    etag = resource.create(erp, key)["ETag"]

    same = resource.write(erp, key, resource.partial(stored), HTTP_IF_MATCH=etag)
    assert same.status_code == 200, same.content
    assert same["ETag"] == etag

    value = changed_values(resource, 1)[0]
    other = resource.write(erp, key, resource.partial(value), HTTP_IF_MATCH=etag)
    assert other.status_code == 200, other.content
    assert other["ETag"] != etag


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_key_make_one_record(resource, erp):
    key = resource.keys[0]

    responses = _race([lambda: resource.create(erp, key) for _ in range(10)])

    codes = Counter(r.status_code for r in responses)
    assert codes[201] == 1
    assert all(code < 500 for code in codes)
    later = 400 if resource.name == "surveys" else 200  # a survey code is created once
    assert codes[later] == 9
    assert resource.read(erp, key).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_idempotency_key_apply_once(resource, erp):
    key = resource.keys[0]

    responses = _race(
        [lambda: resource.create(erp, key, HTTP_IDEMPOTENCY_KEY="same") for _ in range(5)]
    )

    assert [r.status_code for r in responses] == [201] * 5
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == 4
    assert len({r.json()["updated_at"] for r in responses}) == 1
