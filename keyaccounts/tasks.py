from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def recompute_assessments(job_id: int) -> dict:
    """Rescore all assessments under a template version (idempotent, batched, set-based)."""
    job = services.assessments_recompute(job_id=job_id)
    if job is None:
        return {"job": job_id, "skipped": True}
    return {"job": job_id, "processed": job.processed, "changed": job.changed}
