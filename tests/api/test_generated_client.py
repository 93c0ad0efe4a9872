"""An integrator's view of the contract: a client generated from the served schema with
openapi-python-client does a first full load, an incremental pull and a changes-feed pull
against a live server, exactly as docs/sync-guide.md describes.

Generating takes about a second and needs nothing beyond the dev dependencies.
"""

import datetime
import importlib
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from integrations.services import api_client_create

PACKAGE = "dealerhub_client"
# The one response the generator cannot model (it reads JSON and octet-stream bodies):
# the evaluation sheet's PDF. The operation is generated; its 200 body is left raw.
EXPECTED_WARNINGS = [
    "WARNING parsing GET /api/v1/dealer-candidates/{external_code}/evaluation-sheet "
    "within dealer_candidates."
]


def _generate(schema: dict, directory) -> object:
    (directory / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (directory / "config.json").write_text(
        json.dumps({"package_name_override": PACKAGE, "post_hooks": []}), encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(directory / "schema.json"),
            "--output-path",
            str(directory / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(directory / "config.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [
        line for line in result.stdout.splitlines() if "Unsupported" in line or "WARN" in line
    ]
    unexpected = [
        line
        for line in warnings
        if line.startswith("Cannot") and not any(ok in line for ok in EXPECTED_WARNINGS)
    ]
    assert unexpected == [], result.stdout
    sys.path.insert(0, str(directory))
    return importlib.import_module(PACKAGE)


@pytest.fixture
def client_package(tmp_path, live_server, erp_token):
    response = requests.get(
        f"{live_server.url}/api/v1/schema/?format=json",
        headers={"Authorization": f"Bearer {erp_token}"},
        timeout=30,
    )
    assert response.status_code == 200
    package = _generate(response.json(), tmp_path)
    # Class names do not depend on the language the schema was fetched in.
    models = {path.stem for path in (tmp_path / PACKAGE / "models").glob("*.py")}
    assert [name for name in models if not name.isascii()] == []
    yield package
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


@pytest.fixture
def erp_token(transactional_db, world):
    return api_client_create(
        name="SAP", resource_scopes={"*": "write"}, all_territories=True, territory_ids=[]
    )[1]


def _operation(resource: str, action: str):
    """A generated operation module, e.g. dealerhub_client.api.dealers.dealers_list."""
    return importlib.import_module(f"{PACKAGE}.api.{resource}.{resource}_{action}")


def _cursor(next_url) -> str | None:
    if not isinstance(next_url, str):
        return None
    return parse_qs(urlsplit(next_url).query)["cursor"][0]


def _pull(list_operation, client, **params) -> list:
    """Every row of a list, page by page, following `next` until it is null."""
    rows, cursor = [], None
    while True:
        page = list_operation.sync(
            client=client, page_size=2, **params, **({"cursor": cursor} if cursor else {})
        )
        rows.extend(page.results)
        cursor = _cursor(page.next_)
        if cursor is None:
            return rows


@pytest.mark.django_db(transaction=True)
def test_full_load_incremental_pull_and_changes_with_a_generated_client(
    client_package, live_server, erp_token
):
    dh = client_package
    models = importlib.import_module(f"{PACKAGE}.models")
    client = dh.AuthenticatedClient(
        base_url=live_server.url, token=erp_token, raise_on_unexpected_status=True
    )

    # 1. First full load: one bulk batch per resource, each with its own Idempotency-Key.
    territories = _operation("territories", "bulk_create").sync(
        client=client,
        idempotency_key="load-territories-1",
        body=models.TerritoryBulkRequest(
            records=[
                models.TerritoryBulkItemRequest(
                    code="450000", name="广西壮族自治区", level=models.LevelEnum.PROVINCE
                ),
                models.TerritoryBulkItemRequest(
                    code="450100",
                    name="南宁市",
                    level=models.LevelEnum.CITY,
                    parent="450000",
                    tier=models.TierEnum.TIER2,
                ),
                models.TerritoryBulkItemRequest(
                    code="440306", name="宝安区", level=models.LevelEnum.COUNTY, parent="440300"
                ),
            ]
        ),
    )
    assert territories.counts.to_dict() == {"created": 3}

    outlets = _operation("outlets", "bulk_create").sync(
        client=client,
        idempotency_key="load-outlets-1",
        body=models.OutletBulkRequest(
            records=[
                models.OutletBulkRecordRequest(
                    external_code=f"O-{i}",
                    territory="440306",
                    kind=models.KindEnum.KA_STORE,
                    name=f"宝安门店{i}",
                    longitude="113.883",
                    latitude="22.553",
                )
                for i in range(3)
            ]
        ),
    )
    assert outlets.counts.to_dict() == {"created": 3}

    dealers = _operation("dealers", "bulk_create").sync(
        client=client,
        idempotency_key="load-dealers-1",
        body=models.DealerBulkRequest(
            records=[
                models.DealerBulkRecordRequest(
                    external_code=f"D-{i}",
                    name=f"鹏程商贸{i}",
                    market="440300",
                    since=datetime.date(2024, 1, i + 1),
                    credit_limit="500000.00",
                )
                for i in range(5)
            ]
        ),
    )
    assert dealers.counts.to_dict() == {"created": 5}
    assert [line.status.value for line in dealers.results] == ["created"] * 5

    accounts = _operation("key_accounts", "bulk_create").sync(
        client=client,
        idempotency_key="load-accounts-1",
        body=models.KeyAccountBulkRequest(
            records=[
                models.KeyAccountBulkRecordRequest(
                    external_code="KA-1",
                    name="华润万家",
                    territory="440300",
                    format_=models.FormatEnum.HYPERMARKET,
                ),
                models.KeyAccountBulkRecordRequest(
                    external_code="KA-2", name="天虹", territory="440300"
                ),
            ]
        ),
    )
    assert accounts.counts.to_dict() == {"created": 2}

    # Every record reads back through the typed models (blank choices included).
    all_dealers = _pull(_operation("dealers", "list"), client)
    assert sorted(dealer.external_code for dealer in all_dealers) == [f"D-{i}" for i in range(5)]
    assert {
        account.external_code: account.distribution_mode
        for account in _pull(_operation("key_accounts", "list"), client)
    } == {"KA-1": models.BlankEnum.VALUE_0, "KA-2": models.BlankEnum.VALUE_0}
    assert len(_pull(_operation("outlets", "list"), client)) == 3

    # 2. Incremental pull: what changed since the pull started, no row skipped or repeated.
    started = datetime.datetime.now(datetime.UTC)
    updated = _operation("dealers", "update").sync(
        "D-1",
        client=client,
        idempotency_key="edit-d1",
        body=models.DealerWriteRequest(
            name="鹏程商贸一号", market="440300", since=datetime.date(2024, 1, 2)
        ),
    )
    assert updated.name == "鹏程商贸一号"
    _operation("dealers", "bulk_create").sync(
        client=client,
        idempotency_key="load-dealers-2",
        body=models.DealerBulkRequest(
            records=[
                models.DealerBulkRecordRequest(
                    external_code=code,
                    name=f"新商贸{code}",
                    market="440305",
                    since=datetime.date(2025, 6, 1),
                )
                for code in ("D-5", "D-6", "D-7")
            ]
        ),
    )
    changed = _pull(_operation("dealers", "list"), client, updated_since=started)
    assert sorted(dealer.external_code for dealer in changed) == ["D-1", "D-5", "D-6", "D-7"]

    # 3. Deletions come from the changes feed as tombstones.
    response = _operation("dealers", "destroy").sync_detailed("D-3", client=client)
    assert response.status_code == 204
    tombstones = _pull(_operation("changes", "list"), client, since=started)
    assert [(t.resource, t.external_code, t.deleted) for t in tombstones] == [
        ("dealers", "D-3", True)
    ]
    remaining = _pull(_operation("dealers", "list"), client)
    assert len(remaining) == 7
