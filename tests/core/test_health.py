import pytest

from dealerhub.core import health


@pytest.mark.worker
def test_healthz_is_200_when_database_redis_and_worker_are_up(client, celery_worker_thread):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_is_503_without_a_worker(client, db):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["celery"]["ok"] is False


def test_healthz_reports_redis_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    body = client.get("/healthz").json()

    assert body["checks"]["redis"] == {"ok": False, "detail": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


def test_database_check_reports_failure(monkeypatch):
    class Broken:
        def cursor(self):
            raise RuntimeError("down")

    monkeypatch.setattr(health, "connection", Broken())

    assert health.check_database() == (False, "RuntimeError")


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code in (200, 503)


def test_livez_needs_only_the_database(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/livez")

    assert response.status_code == 200


def test_unknown_api_url_answers_in_the_api_error_format(client, db):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_unknown_page_is_a_normal_404(client, db):
    assert client.get("/no-such-page/").status_code == 404


def test_signed_in_pages_are_not_cached(client, hq_admin):
    client.force_login(hq_admin)

    response = client.get("/markets/")

    assert "no-store" in response["Cache-Control"]


def test_security_headers_are_set(client, db):
    response = client.get("/accounts/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
