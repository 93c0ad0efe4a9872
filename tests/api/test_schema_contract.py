"""The served OpenAPI schema is a contract generated clients can trust: what the API
answers validates against it, and it promises nothing the API does not accept."""

import importlib
import json
import re
from datetime import date

import pytest
import schemathesis
from django.db import models
from packaging.version import Version
from rest_framework import serializers

from dealerhub.core.models import IdempotencyRecord
from dealers.models import Dealer
from dealers.services import dealer_delete
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
    # A reverse relation (e.g. a nested list of related records) is no column with choices.
    return field if isinstance(field, models.Field) else None


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


def test_every_integer_a_client_sends_has_a_maximum(served_schema):
    """Without one, a number past the column's range reaches PostgreSQL and answers 500
    (schemathesis found population_total = 2**31)."""
    unbounded = [
        f"{name}.{field}"
        for name, component in served_schema["components"]["schemas"].items()
        if name.endswith("Request")
        for field, schema in component.get("properties", {}).items()
        if schema.get("type") == "integer" and "maximum" not in schema
    ]
    assert unbounded == []


def test_an_integer_past_the_column_is_a_400_naming_it(erp):
    response = erp.put(
        "/api/v1/territories/450000",
        {"name": "广西", "level": "province", "population_total": 2**31},
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["population_total"]


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


# --- what schemathesis found, pinned ----------------------------------------------------


def test_an_undeclared_method_is_405_even_with_a_used_idempotency_key(erp, world):
    body = {"records": []}
    assert erp.post("/api/v1/dealers/bulk", body, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    claimed = IdempotencyRecord.objects.count()

    response = erp.patch("/api/v1/dealers/bulk", body, HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert IdempotencyRecord.objects.count() == claimed


def test_empty_optional_query_values_mean_not_given(erp, served_schema, world):
    Dealer.objects.create(
        external_code="D-1", name="鹏程", market=world.shenzhen_market, since=date(2025, 1, 1)
    )

    response = erp.get("/api/v1/dealers/?updated_since=&active=&market=&page_size=&cursor=")

    assert response.status_code == 200
    assert [row["external_code"] for row in response.json()["results"]] == ["D-1"]
    parameters = served_schema["paths"]["/api/v1/dealers/"]["get"]["parameters"]
    assert {p["name"]: p.get("allowEmptyValue") for p in parameters if p["in"] == "query"} == {
        "active": True,
        "cursor": True,
        "market": True,
        "page_size": True,
        "updated_since": True,
    }


@pytest.mark.parametrize(("value", "codes"), [("false", ["D-OLD"]), ("1", ["D-NOW"])])
def test_active_filters_by_true_or_false(erp, world, value, codes):
    for code, active in (("D-NOW", True), ("D-OLD", False)):
        Dealer.objects.create(
            external_code=code,
            name=code,
            market=world.shenzhen_market,
            since=date(2025, 1, 1),
            active=active,
        )

    response = erp.get("/api/v1/dealers/", {"active": value})

    assert [row["external_code"] for row in response.json()["results"]] == codes


def test_active_other_than_true_or_false_is_a_400(erp, world):
    response = erp.get("/api/v1/dealers/", {"active": "maybe"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"active": ["请使用 true 或 false。"]}


def test_format_filters_key_accounts_and_still_picks_the_schema_rendering(erp, world):
    KeyAccountFactory(external_code="KA-H", territory=world.shenzhen, format="hypermarket")
    KeyAccountFactory(external_code="KA-S", territory=world.shenzhen, format="supermarket")

    response = erp.get("/api/v1/key-accounts/", {"format": "hypermarket"})

    assert response.status_code == 200
    assert [row["external_code"] for row in response.json()["results"]] == ["KA-H"]
    assert erp.get("/api/v1/schema/?format=json")["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    assert erp.get("/api/v1/schema/?format=yaml")["Content-Type"].startswith(
        "application/vnd.oai.openapi"
    )


@pytest.mark.parametrize(
    ("component", "field", "accepted", "refused"),
    [
        (
            "TerritoryWriteRequest",
            "longitude",
            ["-113.883", "113", "1.", ".5", "0.000001"],
            ["", "-", ".", "-.", "1234", "1.1234567", "1e3"],
        ),
        ("DealerWriteRequest", "credit_limit", ["0", "500000.00"], ["-1", "-0.5", ""]),
    ],
)
def test_decimal_patterns_admit_what_drf_reads(served_schema, component, field, accepted, refused):
    pattern = re.compile(
        served_schema["components"]["schemas"][component]["properties"][field]["pattern"]
    )
    assert [value for value in accepted if not pattern.fullmatch(value)] == []
    assert [value for value in refused if pattern.fullmatch(value)] == []


def test_bulk_results_echo_only_string_codes(erp, world):
    response = erp.post(
        "/api/v1/dealers/bulk", {"records": [{"external_code": {"x": 1}}, {"external_code": 7}]}
    )

    assert [(line["external_code"], line["status"]) for line in response.json()["results"]] == [
        (None, "error"),
        (None, "error"),
    ]


@pytest.mark.parametrize(
    ("since", "codes"),
    [("0001-01-01T00:00:01+03:02", ["D-GONE"]), ("9999-12-31T23:59:59-03:00", [])],
)
def test_a_since_past_what_utc_can_hold_is_before_or_after_everything(erp, world, since, codes):
    dealer = Dealer.objects.create(
        external_code="D-GONE", name="x", market=world.shenzhen_market, since=date(2025, 1, 1)
    )
    dealer_delete(dealer=dealer)

    response = erp.get("/api/v1/changes/", {"since": since})

    assert response.status_code == 200
    assert [row["external_code"] for row in response.json()["results"]] == codes


def test_required_text_that_is_only_whitespace_is_refused_and_the_schema_says_so(
    erp, served_schema
):
    response = erp.put("/api/v1/territories/450000", {"name": " \f", "level": "province"})

    assert response.status_code == 400
    assert response.json()["error_codes"] == {"name": ["blank"]}
    name = served_schema["components"]["schemas"]["TerritoryWriteRequest"]["properties"]["name"]
    pattern = re.compile(name["pattern"])
    values = (" \f", "", "\x1f", "\x85", "\u3000", "深圳 市", " a ", "\ufeff")
    assert [bool(pattern.search(value)) for value in values] == [bool(v.strip()) for v in values]
