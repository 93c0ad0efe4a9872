from celery import shared_task
from celery.signals import worker_ready

from . import jobs


@shared_task
def flush_outbox() -> int:
    """Re-send jobs that were stored while the broker was unreachable."""
    return jobs.flush_outbox()


@worker_ready.connect
def _flush_on_worker_start(**kwargs) -> None:
    flush_outbox.delay()
