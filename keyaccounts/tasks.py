import contextlib

from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS, TRANSIENT_ERRORS, new_token

from . import services


@shared_task(bind=True, **RETRY_OPTIONS)
def recompute_assessments(self, job_id: int) -> dict:
    """Rescore all assessments under a template version (claimed, batched, set-based)."""
    token = self.request.id or new_token()
    try:
        job = services.assessments_recompute(job_id=job_id, token=token)
    except TRANSIENT_ERRORS:
        with contextlib.suppress(*TRANSIENT_ERRORS):  # the database may be what failed
            services.recompute_release(job_id=job_id, token=token)
        raise
    except Exception as exc:  # record why the job failed for the UI, then re-raise
        services.recompute_failed(job_id=job_id, token=token, error=repr(exc))
        raise
    if job is None:
        return {"job": job_id, "skipped": True}
    return {"job": job_id, "processed": job.processed, "changed": job.changed}
