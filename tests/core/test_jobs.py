"""Jobs are queued after commit and never lost when the broker is down."""

import time
from functools import partial

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from dealerhub.core import jobs
from dealerhub.core.models import OutboxEntry
from markets.models import Territory
from markets.tasks import refresh_territory_counts


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(
        jobs.current_app,
        "send_task",
        lambda name, args, kwargs, **options: calls.append((name, args, options)),
    )
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(jobs.current_app, "send_task", refuse)


def test_job_is_sent_after_commit(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(refresh_territory_counts)

    # No result is asked for, so the result store is never touched on send.
    assert sent == [("markets.tasks.refresh_territory_counts", [], {"ignore_result": True})]


def test_rolled_back_write_queues_nothing(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            jobs.enqueue_on_commit(refresh_territory_counts)
            raise RuntimeError("the write failed")

    assert sent == []


def test_broker_down_keeps_the_job_in_the_outbox(
    db, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(refresh_territory_counts)

    entry = OutboxEntry.objects.get()
    assert entry.task_name == "markets.tasks.refresh_territory_counts"
    assert "Connection refused" in entry.error


def test_flush_keeps_entries_while_the_broker_is_still_down(db, broker_down):
    OutboxEntry.objects.create(task_name="markets.tasks.refresh_territory_counts")

    assert jobs.flush_outbox() == 0
    assert OutboxEntry.objects.get().attempts == 1


@pytest.mark.worker
def test_stored_job_runs_through_a_real_worker_once_the_broker_is_back(world, celery_worker_thread):
    OutboxEntry.objects.create(task_name="markets.tasks.refresh_territory_counts")

    assert jobs.flush_outbox() == 1

    deadline = time.monotonic() + 20
    while Territory.objects.get(code="440000").county_count != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Territory.objects.get(code="440000").county_count == 1
    assert not OutboxEntry.objects.exists()


def test_a_send_to_an_unreachable_redis_fails_fast_into_the_outbox(db, monkeypatch):
    """No result store is touched and the publish gives up quickly: a request never hangs."""
    from dealerhub.celery import app

    closed_port = _free_port()
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    started = time.monotonic()
    sent = jobs.send_or_store("markets.tasks.refresh_territory_counts", [], {})

    assert (sent, time.monotonic() - started < 2) == (False, True)
    assert OutboxEntry.objects.get().task_name == "markets.tasks.refresh_territory_counts"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_one_claim_wins_and_a_redelivery_of_the_same_message_may_take_it_again(db):
    from dealers.models import EvaluationSheet
    from tests.dealers.factories import CandidateFactory

    sheet = EvaluationSheet.objects.create(candidate=CandidateFactory())
    claim = partial(
        jobs.claim,
        EvaluationSheet.objects,
        pk=sheet.pk,
        ready=["pending"],
        running="rendering",
    )

    assert claim(token="task-a") is True
    assert claim(token="task-b") is False  # a duplicate or re-sent message
    assert claim(token="task-b", reclaim_own=True) is False
    assert claim(token="task-a", reclaim_own=True) is True  # the same message, redelivered
    sheet.refresh_from_db()
    assert (sheet.status, sheet.claimed_by, sheet.attempts) == ("rendering", "task-a", 2)


def test_sweep_runs_every_registered_sweeper(db, sent):
    assert set(jobs.sweep()) == {
        "outbox",
        "dealer_recompute_jobs",
        "dealer_sheets",
        "ka_recompute_jobs",
        "webhook_deliveries",
    }


def test_sweep_is_scheduled_every_minute_and_queued_at_worker_start(db, settings, sent):
    from dealerhub.core.tasks import _sweep_on_worker_start

    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert (schedule["task"], schedule["schedule"]) == ("dealerhub.core.tasks.sweep_jobs", 60.0)

    _sweep_on_worker_start(sender=None)  # the worker_ready signal handler

    assert sent == [("dealerhub.core.tasks.sweep_jobs", [], {"ignore_result": True})]


def test_jobs_are_queued_only_through_the_one_path():
    """Every job goes through dealerhub.core.jobs (after commit, outbox on failure)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    apps = [
        "accounts",
        "dealerhub",
        "dealers",
        "integrations",
        "keyaccounts",
        "markets",
        "promotions",
    ]
    calls = (".delay(", ".apply_async(", "send_task(", "transaction.on_commit(")
    offenders = [
        f"{path.relative_to(root)}: {call}"
        for app in apps
        for path in (root / app).rglob("*.py")
        if path != root / "dealerhub" / "core" / "jobs.py"
        for call in calls
        if call in path.read_text()
    ]

    assert offenders == []
