"""Background work for dealer selection: recomputation and PDF sheets (ids in, services do it)."""

from celery import shared_task
from django.db import OperationalError

from . import services

TRANSIENT = (OperationalError, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1900,
)
def run_recompute_job(job_id: int) -> dict:
    """Run one RecomputeJob (set-based; safe to re-run: unchanged rows are not written)."""
    try:
        job = services.recompute_job_run(job_id=job_id)
    except TRANSIENT:
        raise
    except Exception as exc:  # record why the job failed for the UI, then re-raise
        services.recompute_job_failed(job_id=job_id, error=repr(exc))
        raise
    return {"processed": job.processed, "changed": job.changed}


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1900,
)
def recompute_market_evaluations(market_id: int) -> dict:
    """Interface for the markets app: a market's required capacity changed, re-score it."""
    job = services.recompute_market(market_id=market_id)
    return run_recompute_job.run(job.pk)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1900,
)
def recompute_template_evaluations(template_id: int) -> dict:
    """Re-score every evaluation of a template's versions with this (published) version."""
    from .choices import RecomputeKind
    from .models import RecomputeJob

    job = RecomputeJob.objects.create(kind=RecomputeKind.TEMPLATE, template_id=template_id)
    return run_recompute_job.run(job.pk)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
)
def render_sheets(sheet_ids: list[int]) -> list[int]:
    """Render a chunk of evaluation sheets; a sheet already current is skipped (idempotent)."""
    from . import sheets

    return [sheet_id for sheet_id in sheet_ids if sheets.render_sheet(sheet_id=sheet_id)]
