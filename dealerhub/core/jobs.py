"""Queueing background jobs so that none is lost.

``enqueue_on_commit(task, *args)`` sends the job only after the surrounding
transaction commits (a rolled-back write queues nothing). If the broker is down at
that moment the job is written to the outbox table instead of failing the request;
the periodic ``flush_outbox`` task (and every worker start) re-sends it.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

from .models import OutboxEntry

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError)


def send_or_store(task_name: str, args: list, kwargs: dict) -> bool:
    """Send now; on a broker error keep the job in the outbox. True if sent."""
    try:
        current_app.send_task(task_name, args=args, kwargs=kwargs)
    except BROKER_ERRORS as exc:
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
    """Re-send stored jobs, oldest first; each is removed only once the broker took it."""
    sent = 0
    for entry in OutboxEntry.objects.order_by("created_at", "id")[:limit]:
        try:
            current_app.send_task(entry.task_name, args=entry.args, kwargs=entry.kwargs)
        except BROKER_ERRORS as exc:
            OutboxEntry.objects.filter(pk=entry.pk).update(
                attempts=entry.attempts + 1, error=str(exc)[:300]
            )
            break  # the broker is still down; try again next time
        entry.delete()
        sent += 1
    return sent
