"""The acceptance interface: /api/v1/dealer-candidates/…"""

from decimal import Decimal

import pytest
from django.utils import timezone

from dealers.models import Candidate, Evaluation

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_put_creates_candidate_with_capacity(token_client, manager, world, default_template):
    response = token_client(manager).put(
        "/api/v1/dealer-candidates/GD-100",
        {
            "name": "深圳鹏程商贸",
            "market": "440300",
            "working_capital": "300000",
            "warehouse_m2": "200",
            "deliverable_outlets_per_week": 40,
            "covered_outlets": 120,
        },
        format="json",
    )
    assert response.status_code == 201
    candidate = Candidate.objects.get(external_code="GD-100")
    assert (
        candidate.name,
        candidate.market,
        candidate.working_capital,
        candidate.covered_outlets,
    ) == ("深圳鹏程商贸", world.shenzhen_market, Decimal("300000.00"), 120)
    assert response.json()["market"] == "440300"


def test_put_updates_existing_candidate(token_client, manager, sz_candidate):
    response = token_client(manager).put(
        "/api/v1/dealer-candidates/SZ-001",
        {"name": "深圳鹏程贸易", "market": "440300"},
        format="json",
    )
    assert response.status_code == 200
    sz_candidate.refresh_from_db()
    assert sz_candidate.name == "深圳鹏程贸易"


def test_put_market_outside_scope_is_400_and_creates_nothing(
    token_client, rep, world, default_template
):
    response = token_client(rep).put(
        "/api/v1/dealer-candidates/X-1", {"name": "越界", "market": "430100"}, format="json"
    )
    assert response.status_code == 400
    assert "market" in response.json()["errors"]
    assert not Candidate.objects.filter(external_code="X-1").exists()


def test_put_existing_out_of_scope_candidate_is_404(token_client, rep, cs_candidate):
    response = token_client(rep).put(
        "/api/v1/dealer-candidates/CS-001", {"name": "改名", "market": "440300"}, format="json"
    )
    assert response.status_code == 404
    cs_candidate.refresh_from_db()
    assert cs_candidate.name == "长沙湘江商贸"


def test_post_evaluation_answers_scores(token_client, rep, sz_candidate):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4), "red_flags": [], "notes": {"brand_interest": "老板主动要资料"}},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["criteria"] == {
        "willingness": 80.0,
        "reputation": 80.0,
        "marketing": 80.0,
        "market": 80.0,
        "management": 80.0,
        "strength": 80.0,
    }
    assert (body["total"], body["decision"], body["dealer_type"], body["template_version"]) == (
        "80.0",
        "strongly_recommended",
        "unknown",
        2,
    )


def test_post_evaluation_answers_the_reasons_in_the_request_language(
    token_client, rep, sz_candidate
):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4, previous_partner=1, payment_record=1)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.json()
    assert (response.status_code, body["decision"]) == (201, "reject")
    assert body["reasons"] == [
        {
            "gate": "reputation",
            "code": "rating_red_flag",
            "text": "口碑否决：前合作厂家因砸价、冲货或欠款取消合作（与上一家厂商分手原因 = 1）",
            "facts": {"subitem": "previous_partner", "level": 1},
        },
        {
            "gate": "reputation",
            "code": "rating_red_flag",
            "text": "口碑否决：惯常拖欠、截流供应商货款（对供应商的付款记录 = 1）",
            "facts": {"subitem": "payment_record", "level": 1},
        },
    ]


def test_latest_evaluation_reasons_in_english(token_client, rep, sz_candidate, plan):
    plan(warehouse_m2=Decimal(100), covered_outlets=100)
    sz_candidate.warehouse_m2 = Decimal(1000)
    sz_candidate.covered_outlets = 1000
    sz_candidate.save()
    client = token_client(rep)
    client.post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4, stores=2)},
        format="json",
    )
    latest = client.get(
        "/api/v1/dealer-candidates/SZ-001/evaluations/latest", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    # stores 40, transport 80, finance 80, warehouse and network at r = 10: 20 → 48
    assert (latest["decision"], latest["reasons"]) == (
        "oversized",
        [
            {
                "gate": "strength",
                "code": "oversized",
                "text": "Strength mismatch: the big customer bullies the factory "
                "(strength 48.0, need ratio 10.0)",
                "facts": {"strength": "48.0", "threshold": "60.0", "mean_ratio": "10.0"},
            }
        ],
    )


def test_post_evaluation_red_flag_rejects(token_client, rep, sz_candidate):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(5), "red_flags": ["diversion"]},
        format="json",
    )
    assert (response.status_code, response.json()["decision"]) == (201, "reject")


def test_post_evaluation_missing_ratings_lists_codes(token_client, rep, sz_candidate):
    ratings = all_ratings(4)
    del ratings["payment_record"]
    del ratings["people"]
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations", {"ratings": ratings}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["missing"] == ["payment_record", "people"]
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("bad", [0, 6, "4", 3.5])
def test_post_evaluation_out_of_range_names_code(token_client, rep, sz_candidate, bad):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4, coverage=bad)},
        format="json",
    )
    assert response.status_code == 400
    assert "coverage" in " ".join(response.json()["errors"]["ratings"])
    assert Evaluation.objects.count() == 0


def test_post_evaluation_unknown_code_named(token_client, rep, sz_candidate):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4, charisma=5)},
        format="json",
    )
    assert response.status_code == 400
    assert "charisma" in " ".join(response.json()["errors"]["ratings"])


def test_post_evaluation_unknown_red_flag_named(token_client, rep, sz_candidate):
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": all_ratings(4), "red_flags": ["rude"]},
        format="json",
    )
    assert response.status_code == 400
    assert "rude" in " ".join(response.json()["errors"]["red_flags"])


def test_fit_scored_subitems_need_no_rating(token_client, rep, sz_candidate, plan):
    plan(working_capital=Decimal(200000), is_key_city=True)
    sz_candidate.working_capital = Decimal(900000)
    sz_candidate.save()
    ratings = all_ratings(4)
    del ratings["finance"]
    response = token_client(rep).post(
        "/api/v1/dealer-candidates/SZ-001/evaluations", {"ratings": ratings}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["criteria"]["strength"] == 84.0  # (4*80 + 100) / 5


def test_latest_evaluation_same_shape(token_client, rep, sz_candidate):
    client = token_client(rep)
    client.post(
        "/api/v1/dealer-candidates/SZ-001/evaluations", {"ratings": all_ratings(3)}, format="json"
    )
    posted = client.post(
        "/api/v1/dealer-candidates/SZ-001/evaluations", {"ratings": all_ratings(5)}, format="json"
    ).json()
    latest = client.get("/api/v1/dealer-candidates/SZ-001/evaluations/latest")
    assert latest.status_code == 200
    assert latest.json() == posted


def test_latest_evaluation_none_is_404(token_client, rep, sz_candidate):
    assert (
        token_client(rep).get("/api/v1/dealer-candidates/SZ-001/evaluations/latest").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/dealer-candidates/CS-001", None),
        ("post", "/api/v1/dealer-candidates/CS-001/evaluations", {"ratings": {}}),
        ("get", "/api/v1/dealer-candidates/CS-001/evaluations/latest", None),
        ("get", "/api/v1/dealer-candidates/CS-001/evaluation-sheet", None),
    ],
)
def test_out_of_scope_is_404(token_client, rep, cs_candidate, method, path, body):
    client = token_client(rep)
    response = (
        getattr(client, method)(path, body, format="json")
        if body
        else getattr(client, method)(path)
    )
    assert response.status_code == 404
    assert Evaluation.objects.count() == 0


def test_list_is_scoped(
    token_client, rep, sz_candidate, cs_candidate, django_assert_max_num_queries
):
    CandidateFactory.create_batch(5, market=sz_candidate.market)
    client = token_client(rep)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/dealer-candidates/")
    codes = {row["external_code"] for row in response.json()["results"]}
    assert "SZ-001" in codes and "CS-001" not in codes
    assert len(codes) == 6


def test_owner_details_hidden_from_reps(token_client, rep, manager, sz_candidate):
    sz_candidate.owner_health = "良好"
    sz_candidate.save()
    assert token_client(rep).get("/api/v1/dealer-candidates/SZ-001").json()["owner"] is None
    assert (
        token_client(manager)
        .get("/api/v1/dealer-candidates/SZ-001")
        .json()["owner"]["owner_health"]
        == "良好"
    )


def test_schema_documents_endpoints(api_client, manager):
    api_client.force_authenticate(manager)
    schema = api_client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/dealer-candidates/{external_code}",
        "/api/v1/dealer-candidates/{external_code}/evaluations",
        "/api/v1/dealer-candidates/{external_code}/evaluations/latest",
        "/api/v1/dealer-candidates/{external_code}/evaluation-sheet",
    ]:
        assert path in paths


def test_candidate_put_replay_with_the_same_key_applies_once(token_client, manager, sz_candidate):
    api = token_client(manager)
    body = {"name": "深圳鹏程贸易", "market": "440300"}
    first = api.put(
        "/api/v1/dealer-candidates/SZ-001", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
    )
    Candidate.objects.filter(pk=sz_candidate.pk).update(name="别人改过")

    replay = api.put(
        "/api/v1/dealer-candidates/SZ-001", body, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
    )

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Candidate.objects.get(pk=sz_candidate.pk).name == "别人改过"


def test_candidate_put_with_stale_etag_is_412(token_client, manager, sz_candidate):
    api = token_client(manager)
    etag = api.get("/api/v1/dealer-candidates/SZ-001")["ETag"]
    Candidate.objects.filter(pk=sz_candidate.pk).update(name="别人改过", updated_at=timezone.now())

    response = api.put(
        "/api/v1/dealer-candidates/SZ-001",
        {"name": "x", "market": "440300"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 412
