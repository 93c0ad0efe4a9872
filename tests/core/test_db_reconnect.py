"""The app reconnects by itself after PostgreSQL dropped its connections (a restart)."""

import json

import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory


def get(path: str) -> tuple[str, dict]:
    """One request through the real WSGI handler (the test client skips the connection
    housekeeping Django does at the start and end of every request)."""
    statuses = []
    body = WSGIHandler()(RequestFactory().get(path).environ, lambda s, h: statuses.append(s))
    return statuses[0], json.loads(b"".join(body))


def drop_connections_of(pid: int) -> None:
    """What a PostgreSQL restart does to the app's open connections."""
    settings = connection.settings_dict
    admin = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_persistent_connection_dropped_by_the_server_is_replaced_on_the_next_request():
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # kept between requests
    assert get("/livez") == ("200 OK", {"status": "ok", "database": "ok"})
    pid = connection.connection.info.backend_pid

    drop_connections_of(pid)

    assert get("/livez") == ("200 OK", {"status": "ok", "database": "ok"})
    assert connection.connection.info.backend_pid != pid
