"""Sales fixtures: a dealer in 深圳 (inside the managers' and reps' scope), one in 长沙
(outside), two SKUs of different pack sizes, and an ERP token that sees 广东 only."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from integrations.services import api_client_create

from .factories import DealerFactory, ProductFactory


@pytest.fixture
def home(world):
    return DealerFactory(external_code="HOME", market=world.shenzhen_market)


@pytest.fixture
def away(world):
    return DealerFactory(external_code="AWAY", market=world.changsha_market)


@pytest.fixture
def bottle(db):
    return ProductFactory(external_code="SOY-500", standard_factor=Decimal("1.0000"))


@pytest.fixture
def jug(db):
    """A 5 L pack: one case counts as 4 standard units."""
    return ProductFactory(
        external_code="SOY-5L", pack_size="5L×4", standard_factor=Decimal("4.0000")
    )


def erp_client(territories=None) -> APIClient:
    _client, raw = api_client_create(
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
    return erp_client([world.guangdong])


@pytest.fixture
def erp_everywhere(world):
    return erp_client()


def validated(record: dict) -> dict:
    """A record as the API's serializer hands it to the service (dates and decimals)."""
    import datetime

    return {
        **record,
        "date": datetime.date.fromisoformat(record["date"]),
        "quantity": Decimal(record["quantity"]),
        "value": Decimal(record["value"]),
    }


def line(code, dealer="HOME", product="SOY-500", date="2026-01-15", quantity="10.00", **extra):
    return {
        "external_code": code,
        "dealer": dealer,
        "product": product,
        "date": date,
        "quantity": quantity,
        "value": extra.pop("value", "1200.00"),
        **extra,
    }
