from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS, new_token, run_progress_job

from . import services
from .models import RecomputeJob


@shared_task(bind=True, **RETRY_OPTIONS)
def recompute_assessments(self, job_id: int) -> dict:
    """Rescore all assessments under a template version (claimed, batched, set-based)."""
    return run_progress_job(
        RecomputeJob,
        job_id=job_id,
        token=self.request.id or new_token(),
        work=services.assessments_recompute,
    )
