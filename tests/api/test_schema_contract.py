"""The served OpenAPI schema is a contract generated clients can trust: what the API
answers validates against it, and it promises nothing the API does not accept."""

import importlib
import json

import pytest
import schemathesis
from django.db import models
from packaging.version import Version
from rest_framework import serializers

from tests.keyaccounts.factories import KeyAccountFactory

from .conftest import generated_schema

API_SERIALIZER_MODULES = [
    "markets.api.serializers",
    "dealers.api.serializers",
    "keyaccounts.api.serializers",
    "integrations.api.serializers",
]


def _api_model_serializers():
    for name in API_SERIALIZER_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.ModelSerializer)
                and value.__module__ == name
            ):
                yield value


def _model_field(model, source: str) -> models.Field | None:
    field = None
    for part in source.split("."):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - a property or method, not a model field
            return None
        model = field.related_model
    return field


def test_every_blank_choice_field_admits_blank():
    """A model field with choices and blank=True holds "" in some rows: the serializer
    (and so the schema) must admit it, read-only or not."""
    checked, wrong = [], []
    for serializer_class in _api_model_serializers():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            model_field = _model_field(model, field.source)
            if model_field is None or not model_field.choices or not model_field.blank:
                continue
            checked.append(f"{serializer_class.__name__}.{name}")
            if not isinstance(field, serializers.ChoiceField) or not field.allow_blank:
                wrong.append(f"{serializer_class.__name__}.{name}")
    assert wrong == []
    assert "CandidateSerializer.wholesale_tier" in checked
    assert "KeyAccountSerializer.distribution_mode" in checked
    assert "EvaluationResultSerializer.dealer_type" in checked


def test_the_served_schema_is_the_generated_one(served_schema):
    # test_schemathesis.py loads the generated schema at import time, with no database.
    assert served_schema == json.loads(json.dumps(generated_schema()))


def test_info_version_is_a_package_version(served_schema):
    assert str(Version(served_schema["info"]["version"])) == served_schema["info"]["version"]


def test_request_bodies_are_json_only(served_schema):
    media_types = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, item in served_schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert media_types
    assert {tuple(types) for types in media_types.values()} == {("application/json",)}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "records=1"),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n'),
    ],
)
def test_bulk_refuses_form_bodies_with_a_415_problem(erp, content_type, body):
    response = erp.post("/api/v1/territories/bulk", body, content_type=content_type)

    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v1/dealer-candidates/SZ-001", "/api/v1/dealer-candidates/{external_code}"),
        ("/api/v1/dealer-candidates/", "/api/v1/dealer-candidates/"),
        ("/api/v1/key-accounts/KA-BLANK", "/api/v1/key-accounts/{external_code}"),
        ("/api/v1/key-accounts/", "/api/v1/key-accounts/"),
        ("/api/v1/territories/440000", "/api/v1/territories/{code}"),
    ],
)
def test_rows_with_blank_choices_answer_within_the_schema(
    wsgi, served_schema, candidate, world, path, template
):
    assert candidate.wholesale_tier == ""
    KeyAccountFactory(external_code="KA-BLANK", territory=world.shenzhen, distribution_mode="")
    assert world.guangdong.tier == ""
    operation = schemathesis.openapi.from_dict(served_schema)[template]["GET"]

    response = wsgi.get(path, headers=wsgi.headers)

    assert response.status_code == 200
    operation.validate_response(response)
