"""Background work for dealer selection: recomputation and PDF sheets (ids in, services do it).

Each task claims its row before working (see ``dealerhub.core.jobs``), so a duplicate
or redelivered message does nothing; they are queued only through ``enqueue_on_commit``.
"""

from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS, new_token, run_progress_job

from . import services
from .models import RecomputeJob
from .sheets import RENDER_TIME_LIMIT

RECOMPUTE_LIMITS = {"soft_time_limit": 1800, "time_limit": 1900}


@shared_task(bind=True, **RETRY_OPTIONS, **RECOMPUTE_LIMITS)
def run_recompute_job(self, job_id: int) -> dict:
    """Run one queued RecomputeJob (set-based; a job already taken is left alone)."""
    return run_progress_job(
        RecomputeJob,
        job_id=job_id,
        token=self.request.id or new_token(),
        work=services.recompute_job_run,
    )


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
