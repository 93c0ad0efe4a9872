import pytest
from django.apps import apps
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from werkzeug.test import Client

from dealers.installs import install_default_scorecard
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
    install_default_scorecard(apps)


@pytest.fixture
def candidate(world, scorecard):
    return CandidateFactory(
        external_code="SZ-001", name="深圳鹏程商贸", market=world.shenzhen_market
    )


@pytest.fixture
def wsgi_app(db):
    """The Django WSGI app called in-process, inside the test's transaction.

    Like Django's test client, a request must not close the connection that holds the
    test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi(wsgi_app, erp_client):
    """A werkzeug client on the WSGI app sending the ERP token (schemathesis reads its answers)."""
    client = Client(wsgi_app)
    client.headers = {"Authorization": f"Bearer {erp_client[1]}"}
    return client


def generated_schema() -> dict:
    """The schema as drf-spectacular generates it, without a request (and so a database)."""
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def served_schema(wsgi) -> dict:
    """The schema as /api/v1/schema/ serves it to an ERP client."""
    response = wsgi.get("/api/v1/schema/?format=json", headers=wsgi.headers)
    assert response.status_code == 200, response.text[:300]
    return response.json
