from celery import shared_task
from celery.signals import worker_ready

from . import jobs


@shared_task(**jobs.RETRY_OPTIONS)
def sweep_jobs() -> dict[str, int]:
    """Re-send the outbox and every job row stuck queued or held by a lost worker."""
    return jobs.sweep()


@shared_task(**jobs.RETRY_OPTIONS)
def flush_outbox() -> int:
    """Re-send jobs that were stored while the broker was unreachable."""
    return jobs.flush_outbox()


@worker_ready.connect
def _sweep_on_worker_start(**kwargs) -> None:
    # A worker that starts after an outage or a crash picks up what was left behind
    # without waiting for the next beat.
    jobs.send_or_store(sweep_jobs.name, [], {})
