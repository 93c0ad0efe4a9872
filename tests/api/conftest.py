from importlib import import_module

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from integrations.services import api_client_create
from tests.dealers.factories import CandidateFactory


@pytest.fixture
def erp_client(world):
    """An ERP client with every scope on every territory; returns (ApiClient, raw token)."""
    return api_client_create(
        name="SAP", resource_scopes={"*": "write"}, all_territories=True, territory_ids=[]
    )


@pytest.fixture
def erp(erp_client):
    """A DRF test client authenticated as the ERP client; server errors become responses."""
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {erp_client[1]}")
    return client


@pytest.fixture
def scorecard(db):
    """The published dealer scorecard (the migration installs it; re-install after flushes)."""
    import_module("dealers.migrations.0002_default_template").install(apps, None)


@pytest.fixture
def candidate(world, scorecard):
    return CandidateFactory(
        external_code="SZ-001", name="深圳鹏程商贸", market=world.shenzhen_market
    )
