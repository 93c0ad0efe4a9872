"""Schemathesis drives every operation of the served schema against the app, with all
its checks: no server errors, answers within the schema (status, content type, headers,
body), schema-valid requests accepted, schema-violating ones refused, undeclared methods
405 with Allow.

Bounded by default (CI); `SCHEMATHESIS_EXHAUSTIVE=1 ./dev test -k schemathesis` runs many
more random examples per operation. Requests go to the WSGI app in-process, inside the
test's transaction, so the data below is there and nothing outlives the test.
"""

import datetime
import functools
import os
import uuid

import jsonschema
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.specs.openapi.converter import to_json_schema

from accounts.models import Role
from dealers.models import Dealer
from dealers.services import dealer_delete
from keyaccounts import services as ka_services
from markets.services import market_plan_save
from tests.factories import UserFactory
from tests.keyaccounts.factories import AssessmentFactory, KeyAccountFactory
from tests.markets.factories import OutletFactory, SurveyFactory

from .conftest import CandidateFactory, generated_schema

EXHAUSTIVE = os.environ.get("SCHEMATHESIS_EXHAUSTIVE") == "1"
MAX_EXAMPLES = 200 if EXHAUSTIVE else 5


@pytest.fixture
def sync_data(world, candidate):
    """A little of every resource, with the blank choices real rows hold."""
    CandidateFactory(external_code="CS-002", market=world.changsha_market, wholesale_tier="first")
    template = ka_services.default_template()
    account = KeyAccountFactory(external_code="KA-1", territory=world.shenzhen)
    AssessmentFactory(account=account, template=template, year=2025)
    KeyAccountFactory(external_code="KA-2", territory=world.changsha, distribution_mode="direct")
    OutletFactory(external_code="O-1", territory=world.nanshan)
    rep = UserFactory(username="rep_sz", role=Role.REP, territories=[world.shenzhen])
    SurveyFactory(market=world.shenzhen_market, rep=rep, external_code="S-1")
    market_plan_save(market_id=world.shenzhen_market.pk, external_code="P-1")
    for code in ("D-1", "D-GONE"):
        Dealer.objects.create(
            external_code=code,
            name=f"经销商 {code}",
            market=world.shenzhen_market,
            since=datetime.date(2025, 1, 1),
        )
    dealer_delete(dealer=Dealer.objects.get(external_code="D-GONE"))


# Schema-valid requests that break a rule the schema cannot state answer 400 naming the
# field: a code that names no record in the caller's scope (a market, a parent territory)
# or a combination the domain forbids (a province with a parent, a territory its own
# parent, an external code another record holds). Only these fields may be named; any
# other 400 to a schema-valid request is still a failure.
CROSS_RECORD_RULES = {
    ("PUT", "/api/v1/territories/{code}"): {"parent", "level", "tier"},
    # Longitude and latitude come as a pair (both or neither).
    ("PUT", "/api/v1/outlets/{external_code}"): {"territory", "longitude"},
    ("PUT", "/api/v1/dealers/{external_code}"): {"market"},
    ("PUT", "/api/v1/dealer-candidates/{external_code}"): {"market"},
    ("PUT", "/api/v1/key-accounts/{external_code}"): {"territory"},
    ("POST", "/api/v1/surveys/"): {"market", "external_code"},
    ("GET", "/api/v1/ka-matrix"): {"region"},
    ("GET", "/api/v1/markets/"): {"province", "city"},
    # A sell-in line's dealer and SKU must exist, and its month must have a partition.
    ("PUT", "/api/v1/sell-in-lines/{external_code}"): {"dealer", "product", "date"},
    ("PUT", "/api/v1/collections/{external_code}"): {"dealer"},
}


# The other rule the schema cannot state: decimals travel as strings, and OpenAPI 3.0 has
# no minimum or maximum for a string (a longitude of "999.5" is well-formed).
BOUND_CODES = {"min_value", "max_value"}


def _breaks_only_unstated_rules(case, body: dict) -> bool:
    fields = CROSS_RECORD_RULES.get((case.method.upper(), case.path), set())
    codes = body.get("error_codes", {})
    return bool(codes) and all(
        name in fields or (isinstance(found, list) and set(found) <= BOUND_CODES)
        for name, found in codes.items()
    )


@schemathesis.check
def positive_data_acceptance_but_unstated_rules(ctx, response, case):
    """positive_data_acceptance, except for 400s that name only the fields of the rules
    above."""
    if response.status_code == 400 and _breaks_only_unstated_rules(case, response.json()):
        return None
    return positive_data_acceptance(ctx, response, case)


@functools.cache
def _record_validator(path: str) -> jsonschema.Draft7Validator:
    """The JSON Schema of one record of a bulk operation's body."""
    generated = generated_schema()
    body = generated["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
    components = {
        name: to_json_schema(schema, "nullable")
        for name, schema in generated["components"]["schemas"].items()
    }
    record = components[ref]["properties"]["records"]["items"]
    return jsonschema.Draft7Validator(
        {**record, "components": {"schemas": components}},
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )


@schemathesis.check
def negative_data_rejection_per_record(ctx, response, case):
    """negative_data_rejection, except that a bulk batch is refused whole only when the
    batch itself is wrong: an invalid record is answered in its own result (`error`),
    next to the applied ones. So each invalid record must have an `error` result."""
    if not (case.path.endswith("/bulk") and response.status_code == 200):
        return negative_data_rejection(ctx, response, case)
    records = case.body.get("records") if isinstance(case.body, dict) else case.body
    results = response.json().get("results")
    if not isinstance(records, list) or not isinstance(results, list):
        return negative_data_rejection(ctx, response, case)
    validator = _record_validator(case.path)
    invalid = [index for index, record in enumerate(records) if not validator.is_valid(record)]
    if not invalid:
        if isinstance(case.body, list):
            # A bare list is the older short form of {"records": [...]} that
            # SyncMixin.bulk_records still reads; the schema documents only the object.
            return None
        return negative_data_rejection(ctx, response, case)
    accepted = [index for index in invalid if results[index]["status"] != "error"]
    assert accepted == [], f"invalid records {accepted} were not answered with `error`"
    return None


def _schema():
    # Loaded at import: schemathesis' fixture-based loader does not run under pytest 9.
    # test_schema_contract.py proves the served schema is this one.
    schema = schemathesis.openapi.from_dict(generated_schema())
    schema.app = WSGIHandler()
    schema.config.checks.update(
        included_check_names=["all"],
        excluded_check_names=["positive_data_acceptance", "negative_data_rejection"],
    )
    schema.config.generation.update(
        max_examples=MAX_EXAMPLES,
        deterministic=not EXHAUSTIVE,
        # PostgreSQL text cannot hold NUL: every string field answers it with a 400 naming
        # the field (tests/api/test_problems.py), which the schema does not spell out.
        allow_x00=False,
        # The test sends the ERP token itself (it is made per test).
        with_security_parameters=False,
    )
    return schema


schema = _schema()


@schema.parametrize()
# The data fixtures are set up once per operation, not per example, on purpose: examples
# build on each other like requests to a real server.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_schemathesis(case, wsgi, sync_data):
    key = (case.headers or {}).get("Idempotency-Key")
    if key is not None and len(key) <= 255:
        # Clients send a fresh key per request; a generated key repeats ("0") and would
        # rightly be refused as reused (tests/integrations cover replays).
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(headers=wsgi.headers)
