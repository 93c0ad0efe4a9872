"""Background work for dealer selection: recomputation and PDF sheets (ids in, services do it).

Each task claims its row before working (see ``dealerhub.core.jobs``), so a duplicate
or redelivered message does nothing; they are queued only through ``enqueue_on_commit``.
"""

import contextlib

from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS, TRANSIENT_ERRORS, new_token

from . import services
from .sheets import RENDER_TIME_LIMIT

RECOMPUTE_LIMITS = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(bind=True, **RETRY_OPTIONS, **RECOMPUTE_LIMITS)
def run_recompute_job(self, job_id: int) -> dict:
    """Run one queued RecomputeJob (set-based; a job already taken is left alone)."""
    token = self.request.id or new_token()
    try:
        job = services.recompute_job_run(job_id=job_id, token=token)
    except TRANSIENT_ERRORS:
        with contextlib.suppress(*TRANSIENT_ERRORS):  # the database may be what failed
            services.recompute_job_release(job_id=job_id, token=token)
        raise
    except Exception as exc:  # record why the job failed for the UI, then re-raise
        services.recompute_job_failed(job_id=job_id, token=token, error=repr(exc))
        raise
    if job is None:
        return {"job": job_id, "skipped": True}
    return {"job": job_id, "processed": job.processed, "changed": job.changed}


@shared_task(**RETRY_OPTIONS)
def recompute_market_evaluations(market_id: int) -> int:
    """Queue the re-scoring of a market (kept for messages queued by earlier releases)."""
    return services.recompute_market(market_id=market_id).pk


@shared_task(
    bind=True,
    **RETRY_OPTIONS,
    soft_time_limit=RENDER_TIME_LIMIT - 30,
    time_limit=RENDER_TIME_LIMIT,
)
def render_sheets(self, sheet_ids: list[int]) -> list[int]:
    """Render a chunk of evaluation sheets; a sheet not waiting for a render is skipped."""
    from . import sheets

    token = self.request.id or new_token()
    return [
        sheet_id for sheet_id in sheet_ids if sheets.render_sheet(sheet_id=sheet_id, token=token)
    ]
