import pytest

from accounts.models import Role
from markets.models import MarketPlan, MarketSurvey, Outlet

from ..factories import UserFactory
from .factories import OutletFactory, SurveyFactory


@pytest.fixture
def erp_all(db):
    return UserFactory(username="erp", role=Role.ERP_CLIENT, all_territories=True)


def test_put_outlet_creates_then_updates(token_client, erp_all, world):
    client = token_client(erp_all)
    body = {"territory": "440305", "kind": "ka_store", "name": "沃尔玛", "address": "南山"}

    first = client.put("/api/v1/outlets/WM-1", body, format="json")
    second = client.put("/api/v1/outlets/WM-1", body | {"address": "科技园"}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert list(Outlet.objects.values_list("external_code", "address")) == [("WM-1", "科技园")]
    assert second.json()["territory"] == "440305"


def test_put_outlet_outside_scope_territory_is_refused(token_client, rep, world):
    response = token_client(rep).put(
        "/api/v1/outlets/X1",
        {"territory": "430100", "kind": "ka_store", "name": "X"},
        format="json",
    )

    assert response.status_code == 400
    assert not Outlet.objects.exists()


def test_outlet_of_other_province_is_404(token_client, rep, world):
    OutletFactory(territory=world.changsha, external_code="CS-1")

    client = token_client(rep)
    assert client.get("/api/v1/outlets/CS-1").status_code == 404
    response = client.put(
        "/api/v1/outlets/CS-1",
        {"territory": "440300", "kind": "ka_store", "name": "夺"},
        format="json",
    )
    assert response.status_code == 404
    assert Outlet.objects.get(external_code="CS-1").territory == world.changsha


def test_outlet_list_is_scoped_and_bounded(token_client, rep, world, django_assert_max_num_queries):
    for index in range(30):
        OutletFactory(territory=world.shenzhen, external_code=f"SZ-{index}")
    OutletFactory(territory=world.changsha, external_code="CS-1")
    client = token_client(rep)

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/outlets/", {"page_size": 100})

    codes = {row["external_code"] for row in response.json()["results"]}
    assert codes == {f"SZ-{index}" for index in range(30)}


def test_post_survey_partial_then_patch_raises_completeness(token_client, rep, world):
    client = token_client(rep)

    created = client.post(
        "/api/v1/surveys/",
        {"market": "440300", "surveyed_on": "2026-11-01", "county_count": 9},
        format="json",
    )
    assert (created.status_code, created.json()["completeness"]) == (201, 0)

    patched = client.patch(
        f"/api/v1/surveys/{created.json()['id']}", {"town_count": 74}, format="json"
    )
    assert (patched.status_code, patched.json()["completeness"]) == (200, 16)


def test_post_survey_for_market_outside_scope_is_refused(token_client, rep, world):
    response = token_client(rep).post(
        "/api/v1/surveys/", {"market": "430100", "surveyed_on": "2026-11-01"}, format="json"
    )

    assert response.status_code == 400
    assert not MarketSurvey.objects.exists()


def test_survey_of_other_province_is_404(token_client, rep, rep_outside, world):
    survey = SurveyFactory(market=world.changsha_market, rep=rep_outside)

    client = token_client(rep)
    assert client.get(f"/api/v1/surveys/{survey.pk}").status_code == 404
    assert (
        client.patch(f"/api/v1/surveys/{survey.pk}", {"county_count": 1}, format="json").status_code
        == 404
    )
    assert MarketSurvey.objects.get().county_count is None


def test_put_market_plan_upserts_and_exposes_capacity(token_client, manager, world):
    client = token_client(manager)
    body = {
        "external_code": "PLAN-SZ",
        "working_capital": "600000.00",
        "channel_plan": {"ka": {"dealers": 1, "outlets": 20}},
    }

    first = client.put("/api/v1/market-plans/440300", body, format="json")
    second = client.put("/api/v1/market-plans/440300", {"warehouse_m2": "300.0"}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    plan = MarketPlan.objects.get()
    assert (plan.external_code, str(plan.working_capital), str(plan.warehouse_m2)) == (
        "PLAN-SZ",
        "600000.00",
        "300.0",
    )


def test_rep_cannot_write_market_plan(token_client, rep, world):
    response = token_client(rep).put(
        "/api/v1/market-plans/440300", {"working_capital": "1"}, format="json"
    )

    assert response.status_code == 403
    assert not MarketPlan.objects.exists()


def test_market_plan_of_other_province_is_404(token_client, manager, world):
    MarketPlan.objects.create(market=world.changsha_market)

    client = token_client(manager)
    assert client.get("/api/v1/market-plans/430100").status_code == 404
    assert (
        client.put("/api/v1/market-plans/430100", {"schedule": "x"}, format="json").status_code
        == 404
    )
    assert MarketPlan.objects.get().schedule == ""


def test_plan_with_unknown_channel_is_a_problem_detail(token_client, manager, world):
    response = token_client(manager).put(
        "/api/v1/market-plans/440300", {"channel_plan": {"moon": {"outlets": 1}}}, format="json"
    )

    assert response.status_code == 400
    assert "channel_plan" in response.json()["errors"]


def test_survey_and_plan_lists_are_scoped_and_bounded(
    token_client, manager, rep_outside, world, django_assert_max_num_queries
):
    for market in (world.shenzhen_market, world.nanshan_market, world.guangzhou_market):
        SurveyFactory(market=market, rep=manager)
        MarketPlan.objects.create(market=market)
    SurveyFactory(market=world.changsha_market, rep=rep_outside)
    MarketPlan.objects.create(market=world.changsha_market)
    client = token_client(manager)

    with django_assert_max_num_queries(5):
        surveys = client.get("/api/v1/surveys/").json()["results"]
    with django_assert_max_num_queries(5):
        plans = client.get("/api/v1/market-plans/").json()["results"]

    assert sorted(s["market"] for s in surveys) == ["440100", "440300", "440305"]
    assert sorted(p["market"] for p in plans) == ["440100", "440300", "440305"]


def test_bulk_upserts_in_order_and_reports_errors(token_client, erp_all, world):
    OutletFactory(territory=world.shenzhen, external_code="B-2", name="旧名", kind="ka_store")
    OutletFactory(territory=world.shenzhen, external_code="B-3", name="不变", kind="catering")
    client = token_client(erp_all)
    records = [
        {"external_code": "B-1", "territory": "440300", "kind": "ka_store", "name": "新店"},
        {"external_code": "B-2", "territory": "440300", "kind": "ka_store", "name": "新名"},
        {
            "external_code": "B-3",
            "territory": "440300",
            "kind": "catering",
            "name": "不变",
            "address": Outlet.objects.get(external_code="B-3").address,
        },
        {"external_code": "B-4", "territory": "440300", "kind": "rocket", "name": "坏"},
    ]

    response = client.post("/api/v1/outlets/bulk", {"records": records}, format="json")

    assert [(r["external_code"], r["status"]) for r in response.json()["results"]] == [
        ("B-1", "created"),
        ("B-2", "updated"),
        ("B-3", "unchanged"),
        ("B-4", "error"),
    ]
    assert not Outlet.objects.filter(external_code="B-4").exists()


def test_put_outlet_with_stale_if_match_is_412(token_client, erp_all, world):
    client = token_client(erp_all)
    body = {"territory": "440300", "kind": "ka_store", "name": "沃尔玛"}
    etag = client.put("/api/v1/outlets/E-1", body, format="json")["ETag"]
    client.put("/api/v1/outlets/E-1", body | {"name": "沃尔玛2"}, format="json")

    response = client.put(
        "/api/v1/outlets/E-1", body | {"name": "沃尔玛3"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert Outlet.objects.get(external_code="E-1").name == "沃尔玛2"


def test_unchanged_put_writes_nothing(token_client, erp_all, world):
    client = token_client(erp_all)
    body = {"territory": "440300", "kind": "ka_store", "name": "沃尔玛"}
    client.put("/api/v1/outlets/U-1", body, format="json")
    before = Outlet.objects.get(external_code="U-1").updated_at

    response = client.put("/api/v1/outlets/U-1", body, format="json")

    assert response.status_code == 200
    assert Outlet.objects.get(external_code="U-1").updated_at == before


def test_put_outlet_records_when_we_were_listed(token_client, erp_all, world):
    client = token_client(erp_all)
    body = {
        "territory": "440300",
        "kind": "ka_store",
        "name": "华润万家",
        "listed_on": "2026-09-01",
    }

    response = client.put("/api/v1/outlets/HR-1", body, format="json")

    assert response.status_code == 201
    assert response.json()["listed_on"] == "2026-09-01"
    assert str(Outlet.objects.get(external_code="HR-1").listed_on) == "2026-09-01"
