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
