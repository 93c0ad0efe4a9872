from decimal import Decimal

import pytest

from accounts.models import Role
from keyaccounts.models import Assessment, KeyAccount

from ..factories import UserFactory
from .conftest import MEASURES
from .factories import AssessmentFactory, KeyAccountFactory


def body(**overrides):
    return {key: str(value) for key, value in (MEASURES | overrides).items()}


def test_put_creates_a_key_account(token_client, manager, world):
    client = token_client(manager)

    response = client.put(
        "/api/v1/key-accounts/GZ-100",
        {"name": "广州天河城百货", "territory": "440100"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["territory"] == "440100"
    assert KeyAccount.objects.get(external_code="GZ-100").name == "广州天河城百货"


def test_put_updates_an_existing_key_account(token_client, manager, accounts):
    response = token_client(manager).put(
        "/api/v1/key-accounts/SZ-001", {"name": "华润万家深圳"}, format="json"
    )

    assert response.status_code == 200
    accounts.shenzhen.refresh_from_db()
    assert (accounts.shenzhen.name, accounts.shenzhen.territory.code) == ("华润万家深圳", "440300")


def test_put_without_territory_for_a_new_account_names_the_field(token_client, manager, world):
    response = token_client(manager).put(
        "/api/v1/key-accounts/NEW-1", {"name": "新"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["territory"]
    assert not KeyAccount.objects.filter(external_code="NEW-1").exists()


def test_put_into_a_territory_outside_scope_is_refused(token_client, manager, world):
    response = token_client(manager).put(
        "/api/v1/key-accounts/NEW-2", {"name": "新", "territory": "430100"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["territory"]
    assert not KeyAccount.objects.filter(external_code="NEW-2").exists()


def test_put_assessment_creates_and_answers_with_scores(token_client, manager, accounts, template):
    response = token_client(manager).put(
        "/api/v1/key-accounts/SZ-001/assessments/2025", body(), format="json"
    )

    assert response.status_code == 201
    data = response.json()
    assert (data["attractiveness"], data["supportiveness"], data["quadrant"]) == (
        "56.00",
        "46.00",
        "question_mark",
    )
    assert (data["template_version"], data["visits_per_month"]) == (1, 4)


def test_put_assessment_again_updates(token_client, manager, accounts, template):
    client = token_client(manager)
    client.put("/api/v1/key-accounts/SZ-001/assessments/2025", body(), format="json")

    response = client.put(
        "/api/v1/key-accounts/SZ-001/assessments/2025", body(buyer_relationship=5), format="json"
    )

    assert response.status_code == 200
    assert response.json()["supportiveness"] == "49.00"
    assert Assessment.objects.count() == 1


def test_get_assessment_returns_the_same(token_client, manager, accounts, template):
    client = token_client(manager)
    put = client.put("/api/v1/key-accounts/SZ-001/assessments/2025", body(), format="json").json()

    response = client.get("/api/v1/key-accounts/SZ-001/assessments/2025")

    assert response.status_code == 200
    assert response.json() == put


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("annual_turnover", "-1"),
        ("annual_turnover", "lots"),
        ("growth_rate", "x"),
        ("dso_days", "-5"),
        ("dso_days", "2.5"),
        ("merchandising_share", "100.01"),
        ("activity_share", "-0.1"),
        ("skus_carried", "-1"),
        ("buyer_relationship", "0"),
        ("buyer_relationship", "6"),
    ],
)
def test_bad_measure_is_a_400_naming_the_field(
    token_client, manager, accounts, template, field, value
):
    response = token_client(manager).put(
        "/api/v1/key-accounts/SZ-001/assessments/2025", body(**{field: value}), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Assessment.objects.count() == 0


def test_missing_measure_is_a_400_naming_the_field(token_client, manager, accounts, template):
    data = body()
    del data["dso_days"]

    response = token_client(manager).put(
        "/api/v1/key-accounts/SZ-001/assessments/2025", data, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["dso_days"]


def test_ka_matrix_lists_accounts_in_scope_with_scores(token_client, manager, accounts, template):
    AssessmentFactory(account=accounts.shenzhen, template=template, year=2025)
    AssessmentFactory(account=accounts.changsha, template=template, year=2025)

    response = token_client(manager).get("/api/v1/ka-matrix", {"year": 2025})

    assert response.status_code == 200
    assert [
        (p["external_code"], p["attractiveness"], p["supportiveness"], p["quadrant"])
        for p in response.json()
    ] == [("SZ-001", "100.00", "100.00", "star")]


def test_ka_matrix_needs_a_year(token_client, manager, world):
    response = token_client(manager).get("/api/v1/ka-matrix")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


def test_ka_matrix_query_count_is_bounded(
    token_client, hq_admin, world, template, django_assert_max_num_queries
):
    for _ in range(30):
        AssessmentFactory(account=KeyAccountFactory(territory=world.shenzhen), template=template)
    client = token_client(hq_admin)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/ka-matrix", {"year": 2025})

    assert len(response.json()) == 30


def test_rep_cannot_write_assessments(token_client, rep, accounts, template):
    response = token_client(rep).put(
        "/api/v1/key-accounts/SZ-001/assessments/2025", body(), format="json"
    )

    assert response.status_code == 403
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/key-accounts/CS-001"),
        ("put", "/api/v1/key-accounts/CS-001"),
        ("get", "/api/v1/key-accounts/CS-001/assessments/2025"),
        ("put", "/api/v1/key-accounts/CS-001/assessments/2025"),
    ],
)
def test_out_of_scope_account_is_404(token_client, world, accounts, template, method, url):
    manager_hunan_outsider = UserFactory(
        username="mgr_gd2", role=Role.MANAGER, territories=[world.guangdong]
    )
    AssessmentFactory(account=accounts.changsha, template=template, year=2025)
    payload = body() if "assessments" in url else {"name": "改名"}

    response = getattr(token_client(manager_hunan_outsider), method)(url, payload, format="json")

    assert response.status_code == 404
    accounts.changsha.refresh_from_db()
    assert accounts.changsha.name == "长沙步步高"
    assert Assessment.objects.get(account=accounts.changsha).annual_turnover == Decimal(500000)


def test_key_account_list_is_scoped(token_client, rep, accounts):
    response = token_client(rep).get("/api/v1/key-accounts/")

    assert [a["external_code"] for a in response.json()["results"]] == ["SZ-001"]


def test_schema_documents_the_acceptance_paths(api_client, hq_admin):
    api_client.force_authenticate(hq_admin)

    paths = api_client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]

    assert {
        "/api/v1/key-accounts/{external_code}",
        "/api/v1/key-accounts/{external_code}/assessments/{year}",
        "/api/v1/ka-matrix",
    } <= set(paths)


def test_erp_token_needs_the_key_accounts_scope(accounts, template, api_client):
    from integrations.services import api_client_create

    _client, raw = api_client_create(
        name="only dealers", resource_scopes={"dealer-candidates": "read"}, all_territories=True
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert api_client.get("/api/v1/ka-matrix", {"year": 2025}).status_code == 404
    assert api_client.get("/api/v1/key-accounts/SZ-001").status_code == 404


def test_erp_token_with_read_scope_reads_but_cannot_write(accounts, template, api_client):
    from integrations.services import api_client_create

    _client, raw = api_client_create(
        name="ka reader", resource_scopes={"key-accounts": "read"}, all_territories=True
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert api_client.get("/api/v1/key-accounts/SZ-001").status_code == 200
    response = api_client.put("/api/v1/key-accounts/SZ-001", {"name": "改名"}, format="json")
    assert response.status_code == 404


def test_assessment_put_replay_returns_the_stored_answer(token_client, manager, accounts, template):
    api = token_client(manager)
    url = "/api/v1/key-accounts/SZ-001/assessments/2025"

    first = api.put(url, body(), format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    replay = api.put(url, body(), format="json", HTTP_IDEMPOTENCY_KEY="a-1")

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay["Idempotent-Replayed"] == "true"


def test_bulk_creates_updates_and_reports_bad_records(token_client, manager, accounts):
    response = token_client(manager).post(
        "/api/v1/key-accounts/bulk",
        {
            "records": [
                {"external_code": "GZ-200", "name": "广州友谊", "territory": "440100"},
                {"external_code": "SZ-001", "name": "深圳华润万家（新）"},
                {"external_code": "GZ-201", "name": "没有区域"},
                {"external_code": "CS-002", "name": "长沙新店", "territory": "430100"},
                {"external_code": "GZ-202", "name": ""},
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "updated", "error", "error", "error"]
    assert list(results[2]["errors"]) == ["territory"]
    assert list(results[3]["errors"]) == ["territory"]  # 长沙 is outside the 广东 manager's scope
    accounts.shenzhen.refresh_from_db()
    assert accounts.shenzhen.name == "深圳华润万家（新）"
    assert accounts.shenzhen.territory.code == "440300"  # left out, so kept


def test_bulk_same_records_again_are_unchanged(token_client, manager, accounts):
    batch = {"records": [{"external_code": "SZ-001", "name": "深圳华润万家"}]}
    api = token_client(manager)
    api.post("/api/v1/key-accounts/bulk", batch, format="json")

    response = api.post("/api/v1/key-accounts/bulk", batch, format="json")

    assert response.json()["counts"] == {"unchanged": 1}
