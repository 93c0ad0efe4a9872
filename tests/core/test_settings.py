"""Configuration comes from the environment; production refuses to start without secrets."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from dealerhub.settings.env import env_bool, env_int, env_list, env_str

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "dealerhub.settings.production",
    "SECRET_KEY": "x" * 64 + "-production-secret-with-enough-entropy",
    "DATABASE_URL": "postgres://dealerhub:secret@db.internal:5432/dealerhub",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "dealerhub.example.com",
}


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    # Only what the test names: nothing leaks in from the test run (e.g. browser-test flags).
    leaked = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    clean = {k: v for k, v in os.environ.items() if k not in leaked}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_env_bool_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")

    assert env_bool("FLAG", False) is True


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("N", "ten")

    with pytest.raises(ImproperlyConfigured, match="N must be an integer"):
        env_int("N", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,")

    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_required_variable_without_default_raises(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env_str("SECRET_KEY")


def test_settings_read_time_zone_and_language_from_env():
    result = run_settings(
        {
            "DJANGO_SETTINGS_MODULE": "dealerhub.settings.local",
            "TIME_ZONE": "UTC",
            "LANGUAGE_CODE": "en",
            "DATABASE_URL": "postgres://u@h/db",
        },
        "from django.conf import settings; print(settings.TIME_ZONE, settings.LANGUAGE_CODE)",
    )

    assert result.stdout.split() == ["UTC", "en"]


def test_defaults_are_shanghai_and_simplified_chinese():
    result = run_settings(
        {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local", "DATABASE_URL": "postgres://u@h/db"},
        "import os; [os.environ.pop(k, None) for k in ('TIME_ZONE','LANGUAGE_CODE')];"
        "from django.conf import settings; print(settings.TIME_ZONE, settings.LANGUAGE_CODE)",
    )

    assert result.stdout.split() == ["Asia/Shanghai", "zh-hans"]


def test_database_url_must_be_postgres():
    result = run_settings(
        {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local", "DATABASE_URL": "mysql://u@h/db"},
        "from django.conf import settings; settings.DATABASES",
    )

    assert "PostgreSQL only" in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]

    result = run_settings(env, "from django.conf import settings; settings.SECRET_KEY")

    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run_settings(
        PRODUCTION_ENV,
        "import django, sys; from django.core.management import call_command; django.setup();"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
    )

    assert result.returncode == 0, result.stderr


def test_dev_server_keeps_database_connections_bounded_and_checked():
    """runserver opens a thread per request: persistent connections would pile up."""
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    local = run_settings(
        {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local", "DATABASE_URL": "postgres://u@h/db"},
        code,
    )
    production = run_settings(PRODUCTION_ENV, code)

    assert local.stdout.split() == ["0", "True"]
    assert production.stdout.split() == ["60", "True"]
