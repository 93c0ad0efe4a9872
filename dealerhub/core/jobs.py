"""Queueing, claiming and sweeping background jobs so that none is lost or run twice.

Queueing — the one path: ``enqueue_on_commit(task, *args)`` sends the job only after
the surrounding transaction commits (a rolled-back write queues nothing), through
``send_or_store``. That publishes with ``ignore_result`` (no job's result is read, so
the result store is never touched on send) and a short publish retry; when the broker
is unreachable the job is written to the outbox table instead and the request carries
on. No app calls ``.delay()`` / ``.apply_async()`` itself.

Claiming — every job has a row (a sheet, a recompute job, a webhook delivery) and a
worker takes it with one conditional UPDATE (``claim``): only the call that changed the
row runs the job, so a message delivered twice, re-sent by the sweep or redelivered
after a worker died runs once.

Sweeping — ``sweep()`` (Celery beat every minute and at every worker start) re-sends
the outbox and asks every app's registered sweeper to re-send its rows that are stuck:
queued too long (the message was lost, e.g. Redis restarted empty) or claimed by a
worker that stopped reporting (killed). Re-sending is always safe because of the claim.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseError
from django.db.models import F, Manager, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from .models import JobStatus, OutboxEntry

logger = logging.getLogger(__name__)

# What makes a send fail when Redis is unreachable: kombu wraps broker errors in
# OperationalError; redis-py errors and socket errors can surface unwrapped.
SEND_ERRORS = (BrokerError, RedisError, OSError)

# Errors worth retrying: the database or a network peer was briefly unreachable. Every
# other exception is a bug or bad data and retrying it would only repeat it.
TRANSIENT_ERRORS = (DatabaseError, InterfaceError, ConnectionError, TimeoutError)

# Celery options shared by every job task: retry transient errors only, with bounded
# exponential backoff (the longest wait, 60 s, stays well inside the broker's
# visibility timeout so a waiting retry is never redelivered as a duplicate).
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


# --- Queueing --------------------------------------------------------------------------


def send_or_store(task_name: str, args: list, kwargs: dict) -> bool:
    """Send now; if Redis is unreachable keep the job in the outbox. True if sent."""
    try:
        current_app.send_task(task_name, args=args, kwargs=kwargs, ignore_result=True)
    except SEND_ERRORS as exc:
        logger.warning("broker unavailable, job %s kept in the outbox: %s", task_name, exc)
        OutboxEntry.objects.create(
            task_name=task_name, args=list(args), kwargs=dict(kwargs), error=str(exc)[:300]
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with JSON-serialisable ids after the current transaction commits."""
    transaction.on_commit(partial(send_or_store, task.name, list(args), kwargs))


def flush_outbox(*, limit: int = 500) -> int:
    """Re-send stored jobs, oldest first; each is removed only once the broker took it.

    Rows are locked with SKIP LOCKED, so two sweeps running at once never send the
    same entry twice.
    """
    sent = 0
    with transaction.atomic():
        entries = list(
            OutboxEntry.objects.select_for_update(skip_locked=True).order_by("created_at", "id")[
                :limit
            ]
        )
        for entry in entries:
            try:
                current_app.send_task(
                    entry.task_name, args=entry.args, kwargs=entry.kwargs, ignore_result=True
                )
            except SEND_ERRORS as exc:
                OutboxEntry.objects.filter(pk=entry.pk).update(
                    attempts=F("attempts") + 1, error=str(exc)[:300]
                )
                break  # the broker is still down; try again next time
            entry.delete()
            sent += 1
    return sent


# --- Claiming --------------------------------------------------------------------------


def new_token() -> str:
    """A claim token for a run outside Celery (tests, shell); tasks use their task id."""
    return uuid.uuid4().hex


def claim(
    queryset: QuerySet | Manager,
    *,
    pk: int,
    ready: Iterable[str],
    running: str,
    token: str,
    reclaim_own: bool = False,
) -> bool:
    """Take the job row ``pk`` for this run with one conditional UPDATE; True if won.

    The row moves from one of the ``ready`` statuses to ``running``, stamped with the
    claim time and ``token`` (the Celery task id). ``reclaim_own`` also accepts a row
    already running under the same token: Celery redelivers a message with the same
    task id only when the run holding it is gone (its worker died, or its retry after a
    transient error), so use it only for jobs whose time limit is shorter than the
    broker's visibility timeout.
    """
    mine = Q(status__in=list(ready))
    if reclaim_own:
        mine |= Q(status=running, claimed_by=token)
    now = timezone.now()
    changed = (
        queryset.filter(mine, pk=pk)
        .order_by()
        .update(
            status=running,
            claimed_at=now,
            claimed_by=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    return changed == 1


def take(queryset: QuerySet, *, limit: int = 500, **changes) -> list[int]:
    """Lock up to ``limit`` rows no concurrent sweep holds, apply ``changes``, return ids.

    Call inside ``transaction.atomic()`` and queue the re-sends with
    ``enqueue_on_commit``: a row is re-sent once, by the sweep that changed it.
    """
    ids = list(
        queryset.select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        queryset.model.objects.filter(pk__in=ids).update(**changes)
    return ids


# --- Sweeping --------------------------------------------------------------------------

Sweeper = Callable[..., int]
_sweepers: dict[str, Sweeper] = {}


def register_sweeper(name: str, sweeper: Sweeper) -> None:
    """Apps register ``sweeper(*, now) -> rows re-sent`` in ``AppConfig.ready``."""
    _sweepers[name] = sweeper


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send the outbox and every stuck job row; returns the count per sweeper."""
    now = now or timezone.now()
    counts = {"outbox": flush_outbox()}
    for name, sweeper in sorted(_sweepers.items()):
        counts[name] = sweeper(now=now)
    resent = {name: count for name, count in counts.items() if count}
    if resent:
        logger.info("job sweep re-sent %s", resent)
    return counts


def older_than(now: datetime, seconds: float) -> datetime:
    return now - timedelta(seconds=seconds)


# --- Progress jobs (recomputes): one sweep and one release/fail for every app ----------

# A queued job whose message may have been lost is re-sent after this long; a running
# job that has written no progress (its heartbeat) for PROGRESS_LEASE is presumed dead
# (a batch takes seconds) and queued again, at most PROGRESS_MAX_CLAIMS times.
PROGRESS_REQUEUE_AFTER = 300
PROGRESS_LEASE = 300
PROGRESS_MAX_CLAIMS = 3


def progress_job_failed(model, *, job_id: int, token: str, error: str) -> None:
    """Record the failure of the run holding the claim (``token``)."""
    model.objects.filter(pk=job_id, claimed_by=token).update(
        status=JobStatus.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def progress_job_release(model, *, job_id: int, token: str) -> None:
    """Hand a claimed job back to the queue (a transient error; the retry claims it)."""
    model.objects.filter(pk=job_id, claimed_by=token, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, claimed_by="", updated_at=timezone.now()
    )


def run_progress_job(model, *, job_id: int, token: str, work: Callable[..., Any]) -> dict:
    """The body of every progress-job task: run ``work(job_id=, token=)`` (which claims the
    job and returns it, or None when another run holds it); on a transient error hand the
    claim back and re-raise for Celery's retry; on any other error record it and re-raise."""
    try:
        job = work(job_id=job_id, token=token)
    except TRANSIENT_ERRORS:
        with contextlib.suppress(*TRANSIENT_ERRORS):  # the database may be what failed
            progress_job_release(model, job_id=job_id, token=token)
        raise
    except Exception as exc:  # record why the job failed for the UI, then re-raise
        progress_job_failed(model, job_id=job_id, token=token, error=repr(exc))
        raise
    if job is None:
        return {"job": job_id, "skipped": True}
    return {"job": job_id, "processed": job.processed, "changed": job.changed}


def sweep_progress_jobs(model, task, *, now: datetime) -> int:
    """Re-send ``model``'s jobs stuck queued or held by a worker that stopped reporting;
    give up (failed) on those whose claims keep dying."""
    dead = Q(status=JobStatus.RUNNING, updated_at__lt=older_than(now, PROGRESS_LEASE))
    with transaction.atomic():
        model.objects.filter(dead, attempts__gte=PROGRESS_MAX_CLAIMS).update(
            status=JobStatus.FAILED,
            error=f"Gave up: the job did not finish in {PROGRESS_MAX_CLAIMS} attempts.",
            finished_at=now,
            updated_at=now,
        )
        waiting = Q(status=JobStatus.QUEUED, updated_at__lt=older_than(now, PROGRESS_REQUEUE_AFTER))
        ids = take(
            model.objects.filter(dead | waiting),
            status=JobStatus.QUEUED,
            claimed_by="",
            updated_at=now,
        )
        for job_id in ids:
            enqueue_on_commit(task, job_id)
    return len(ids)
