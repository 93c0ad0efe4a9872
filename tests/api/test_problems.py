"""Inputs that used to crash the API (500) or answer an HTML page now answer a problem
(application/problem+json) that names the field, the method or the limit."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseNotAllowed
from django.test import override_settings

from dealerhub.core.middleware import ApiErrorsMiddleware
from dealerhub.core.views import bad_request
from dealers.models import Evaluation
from markets.models import Territory

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


# --- bodies the serializers did not check -----------------------------------------------


@pytest.mark.parametrize("level", [[1], {"a": 1}, "4", 3.5, True])
def test_evaluation_rating_of_the_wrong_type_is_a_400_naming_ratings(erp, candidate, level):
    response = erp.post(
        "/api/v1/dealer-candidates/SZ-001/evaluations",
        {"ratings": {"brand_interest": level}},
        format="json",
    )

    body = _problem(response, 400)
    assert body["errors"] == {
        "ratings": ["评级必须为 1 至 5 的整数：brand_interest。"],
    }
    assert Evaluation.objects.count() == 0


# --- query parameters ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["²⁰²⁵", "٢٠٢٥", "2025.5", "", "1999", "x"])
def test_matrix_year_must_be_ascii_digits_in_range(erp, year):
    body = _problem(erp.get("/api/v1/ka-matrix", {"year": year}), 400)
    assert list(body["errors"]) == ["year"]


def test_matrix_year_in_ascii_digits_answers(erp):
    response = erp.get("/api/v1/ka-matrix", {"year": "2025"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ka-matrix?year=2025&region=%00",
        "/api/v1/territories/?q=%00",
        "/api/v1/territories/?within=44%000000",
        "/api/v1/dealers/?market=%00",
        "/api/v1/outlets/?external_code=a%00",
        "/api/v1/dealer-candidates/?cursor=%00",
        "/api/v1/key-accounts/?page_size=1%00",
        "/api/v1/changes/?resource=%00",
    ],
)
def test_nul_in_any_query_parameter_is_a_400_naming_it(erp, path):
    name = path.split("?")[1].split("&")[-1].split("=")[0]

    body = _problem(erp.get(path), 400)

    assert list(body["errors"]) == [name]
    assert body["errors"][name] == ["不允许包含空字符（\\x00）。"]


def test_more_query_parameters_than_django_reads_is_a_400_problem(erp):
    query = "&".join(f"p{i}=1" for i in range(1001))

    body = _problem(erp.get(f"/api/v1/territories/?{query}"), 400)

    assert body["code"] == "too_many_parameters"


def test_a_parameter_given_twice_is_a_400_naming_it(erp):
    body = _problem(erp.get("/api/v1/territories/?parent=440000&parent=430000&q=x"), 400)
    assert body["errors"] == {"parent": ["此参数只能给出一次。"]}


@pytest.mark.parametrize("page_size", ["٣", "²", "1e3", " "])
def test_page_size_must_be_ascii_digits(erp, page_size):
    body = _problem(erp.get("/api/v1/territories/", {"page_size": page_size}), 400)
    assert list(body["errors"]) == ["page_size"]


# --- body size -------------------------------------------------------------------------


def _territories(count: int, name_length: int) -> dict:
    return {
        "records": [
            {"code": str(910000 + i), "name": "测" * name_length, "level": "province"}
            for i in range(count)
        ]
    }


def test_a_1000_record_batch_of_3_mb_is_accepted(erp, world):
    records = [
        {
            "external_code": f"KA-{i:04d}",
            "name": f"连锁{i}",
            "territory": "440300",
            "purchasing_policy": "集中采购，" * 200,
        }
        for i in range(1000)
    ]
    body = json.dumps({"records": records}, ensure_ascii=False).encode()
    assert len(body) > 3_000_000  # over Django's default 2.5 MB

    response = erp.post("/api/v1/key-accounts/bulk", body, content_type="application/json")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["counts"] == {"created": 1000}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100_000)
def test_a_body_over_the_limit_is_a_413_problem_and_nothing_is_written(erp):
    body = json.dumps(_territories(100, 500), ensure_ascii=False).encode()

    response = erp.post(
        "/api/v1/territories/bulk",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="big-1",
    )

    problem = _problem(response, 413)
    assert problem["code"] == "payload_too_large"
    assert "1,000" in problem["detail"]
    assert not Territory.objects.filter(code__startswith="91").exists()


def test_a_body_too_large_for_django_itself_is_a_413_problem_too(rf):
    # Django answers a body it refuses to read outside a DRF view with handler400.
    request = rf.post("/api/v1/anything", data="x" * 200, content_type="text/plain")

    response = bad_request(request, RequestDataTooBig("too big"))

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


# --- credentials -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/territories/"),
        ("get", "/api/v1/dealers/D-1"),
        ("put", "/api/v1/dealers/D-1"),
        ("post", "/api/v1/outlets/bulk"),
        ("get", "/api/v1/ka-matrix?year=2025"),
        ("get", "/api/v1/schema/"),
    ],
)
def test_a_deactivated_erp_client_gets_401_everywhere(erp, erp_client, method, path):
    client, _raw = erp_client
    client.is_active = False
    client.save()

    body = _problem(getattr(erp, method)(path, {}, format="json"), 401)

    assert body["code"] == "authentication_failed"
    assert body["detail"] == "该 ERP 客户端已停用。"


# --- routes and methods ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("delete", "/api/v1/territories/", "GET, HEAD, OPTIONS"),
        ("patch", "/api/v1/dealers/D-1", "GET, PUT, DELETE, HEAD, OPTIONS"),
        ("get", "/api/v1/dealers/bulk", "POST, OPTIONS"),
        ("post", "/api/v1/ka-matrix", "GET, HEAD, OPTIONS"),
    ],
)
def test_an_undeclared_method_is_a_405_problem_naming_it_with_allow(erp, method, path, allow):
    body = _problem(getattr(erp, method)(path), 405)

    assert body["title"] == f"方法 “{method.upper()}” 不被允许。"
    assert method.upper() in body["detail"]
    assert erp.options(path).status_code == 200
    assert getattr(erp, method)(path)["Allow"] == allow


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/nonexistent", "/api/v1/territories/abc", "/api/v1/dealers/D-1/x", "/api/v2/"],
)
def test_unknown_api_paths_are_404_problems_even_in_debug(erp, path, debug):
    with override_settings(DEBUG=debug):
        body = _problem(erp.get(path), 404)
    assert body["code"] == "not_found"


def test_a_method_django_refuses_on_an_api_path_is_a_405_problem(rf):
    request = rf.post("/api/v1/some-plain-view")
    response = ApiErrorsMiddleware(lambda request: HttpResponseNotAllowed(["GET"]))(request)

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response["Allow"] == "GET"
    assert "POST" in json.loads(response.content)["title"]


def test_a_write_to_a_path_missing_its_slash_redirects_keeping_method_and_body(erp):
    response = erp.post("/api/v1/surveys", {"market": "440300"})

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/surveys/"
    assert erp.get("/api/v1/markets").status_code == 301


def test_pages_outside_the_api_keep_their_html_error_pages(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
