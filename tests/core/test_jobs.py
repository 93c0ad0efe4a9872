"""Jobs are queued after commit and never lost when the broker is down."""

import time

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
        jobs.current_app, "send_task", lambda name, args, kwargs: calls.append((name, args))
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

    assert sent == [("markets.tasks.refresh_territory_counts", [])]


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
