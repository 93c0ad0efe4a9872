"""Readiness checks for /healthz: database, Redis and at least one Celery worker."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection

from dealerhub.celery import app as celery_app


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the message says why
        return False, exc.__class__.__name__
    return True, "ok"


def check_redis() -> tuple[bool, str]:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return False, exc.__class__.__name__
    finally:
        client.close()
    return True, "ok"


def check_celery(timeout: float = 1.0) -> tuple[bool, str]:
    try:
        replies = celery_app.control.ping(timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - broker errors come in many types
        return False, exc.__class__.__name__
    if not replies:
        return False, "no worker answered"
    return True, f"{len(replies)} worker(s)"


def run_checks() -> dict[str, dict[str, object]]:
    results = {"database": check_database(), "redis": check_redis()}
    # No point asking workers through a broker that is down.
    results["celery"] = check_celery() if results["redis"][0] else (False, "redis down")
    return {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()}
