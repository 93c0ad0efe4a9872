"""The OpenAPI schema is the contract: it validates and documents the error format.
Schemathesis drives it against the app in tests/api/test_schemathesis.py."""

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates():
    validate_schema(_schema())


def test_every_operation_documents_the_error_format():
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)


def test_api_docs_page_declares_its_language(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
