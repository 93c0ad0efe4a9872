"""Scorecard templates and the set-based recomputation of evaluations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import jobs
from dealerhub.core.concurrency import refuse_stale
from dealerhub.core.jobs import enqueue_on_commit
from markets.models import Market

from .. import recompute, scoring, selectors, template_rules
from ..choices import (
    JobStatus,
    RecomputeKind,
    SheetStatus,
    TemplateStatus,
)
from ..models import (
    Candidate,
    Evaluation,
    EvaluationSheet,
    RecomputeJob,
    ScorecardTemplate,
)
from ..tasks import render_sheets, run_recompute_job
from .templates import template_drafts, template_settings

# Connections a recompute job spreads its batches over (about the database's cores).
RECOMPUTE_PARALLEL = getattr(settings, "DEALERS_RECOMPUTE_PARALLEL", 2)


@transaction.atomic
def template_publish(
    *, template_id: int, expected_updated_at: datetime | None = None
) -> RecomputeJob:
    """Publish a draft version (weights must sum to 100) and queue re-scoring of every
    evaluation of the same template.

    ``expected_updated_at`` is the draft as the publisher previewed it: a draft edited
    since is refused, so what is published is what the impact preview showed.
    """
    template = ScorecardTemplate.objects.select_for_update().get(pk=template_id)
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    refuse_stale(template.updated_at, expected_updated_at)
    template = selectors.template_with_items(template.pk)
    if scoring.criterion_weights_error([c.weight for c in template.criteria.all()]):
        raise ValidationError(_("Criterion weights must be positive and sum to 100."))
    if any(not c.subitems.all() for c in template.criteria.all()):
        raise ValidationError(_("Every criterion needs at least one sub-item."))
    errors = template_rules.draft_errors(
        settings=template_settings(template), criteria=template_drafts(template)
    )
    if errors:
        raise ValidationError([message for messages in errors.values() for message in messages])
    ScorecardTemplate.objects.filter(name=template.name, status=TemplateStatus.PUBLISHED).update(
        status=TemplateStatus.RETIRED, updated_at=timezone.now()
    )
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at", "updated_at"])
    job = RecomputeJob.objects.create(kind=RecomputeKind.TEMPLATE, template=template)

    enqueue_on_commit(run_recompute_job, job.pk)
    return job


@transaction.atomic
def template_new_draft(*, template_id: int) -> ScorecardTemplate:
    """Copy a version into a new draft (settings, criteria, sub-items, level texts) for
    editing; if the template already has a draft, that draft is returned instead."""
    source = selectors.template_with_items(template_id)
    # Versions are numbered per name: lock them so two clicks cannot both take N + 1.
    versions = list(
        ScorecardTemplate.objects.select_for_update().filter(name=source.name).order_by("version")
    )
    open_draft = next((v for v in versions if v.status == TemplateStatus.DRAFT), None)
    if open_draft is not None:
        return open_draft  # one draft at a time: publishing it must not lose another's edits
    draft = ScorecardTemplate.objects.create(
        name=source.name,
        version=versions[-1].version + 1,
        notes=source.notes,
        **{name: getattr(source, name) for name in template_rules.SETTINGS_FIELDS},
    )
    for criterion in source.criteria.all():
        items = list(criterion.subitems.all())
        criterion.pk = None
        criterion.template = draft
        criterion.save()
        for item in items:
            item.pk = None
            item.criterion = criterion
            item.save()
    return draft


@transaction.atomic
def recompute_market(*, market_id: int) -> RecomputeJob:
    """Queue re-scoring of a market's evaluations (its required capacity changed).

    The job row is written in the caller's transaction, so the request leaves a trace
    the sweep can re-send even if the broker never gets the message. A job of the same
    market still waiting in the queue is reused; it is locked, so a worker cannot claim
    it until this transaction commits, and then it reads the newest capacity.
    """

    waiting = (
        RecomputeJob.objects.select_for_update()
        .filter(kind=RecomputeKind.MARKET, market_id=market_id, status=JobStatus.QUEUED)
        .order_by("-id")
        .first()
    )
    if waiting is not None:
        return waiting
    job = RecomputeJob.objects.create(kind=RecomputeKind.MARKET, market_id=market_id)
    enqueue_on_commit(run_recompute_job, job.pk)
    return job


def recompute_candidate(*, candidate_id: int) -> int:
    """Re-score one candidate's evaluations right away (its capacity or red flags changed)."""
    candidate = Candidate.objects.select_related("market__territory").get(pk=candidate_id)
    changed = 0
    for template_id in set(candidate.evaluations.values_list("template_id", flat=True)):
        template = selectors.template_with_items(template_id)

        outcome = recompute.run(
            template=selectors.template_spec(template),
            template_id=template.pk,
            requirements=selectors.market_requirements([candidate.market]),
            where="e.candidate_id = %s AND e.template_id = %s",
            where_params=[candidate.pk, template.pk],
        )
        changed += outcome.changed
        if outcome.stale_sheet_ids:
            queue_sheet_renders(outcome.stale_sheet_ids)
    return changed


def recompute_job_run(
    *,
    job_id: int,
    token: str | None = None,
    batch_size: int = 50_000,
    parallel: int | None = None,
) -> RecomputeJob | None:
    """Run a queued recompute job: set-based, progress written after each batch.

    The job is claimed first; a job that is done, failed or running elsewhere is left
    alone (None), so a duplicate or redelivered message runs nothing. Unchanged rows are
    never written, so even a job re-sent after its worker died writes each change once.
    Progress doubles as the heartbeat the sweep watches.
    """

    token = token or jobs.new_token()
    if not jobs.claim(
        RecomputeJob.objects,
        pk=job_id,
        ready=[JobStatus.QUEUED],
        running=JobStatus.RUNNING,
        token=token,
    ):
        return None
    mine = RecomputeJob.objects.filter(pk=job_id, claimed_by=token)
    job = RecomputeJob.objects.select_related("template", "market__territory").get(pk=job_id)
    mine.update(
        started_at=timezone.now(), processed=0, changed=0, error="", updated_at=timezone.now()
    )
    params: list[object]
    markets: Iterable[Market | None]
    if job.kind == RecomputeKind.TEMPLATE:
        template = job.template
        assert template is not None  # a template job always names its template
        versions = list(
            ScorecardTemplate.objects.filter(name=template.name).values_list("pk", flat=True)
        )
        where, params = "e.template_id = ANY(%s)", [versions]
        # Every market with candidates (cheaper than joining all evaluations).
        markets = Market.objects.filter(
            pk__in=Candidate.objects.values("market_id")
        ).select_related("territory")
        jobs_templates = [template.pk]
    else:
        assert job.market_id is not None  # a market job always names its market
        market_id: int = job.market_id
        where, params = "c.market_id = %s", [market_id]
        markets = [job.market]
        jobs_templates = list(
            Evaluation.objects.filter(candidate__market_id=market_id)
            .order_by()
            .values_list("template_id", flat=True)
            .distinct()
        )
    requirements = selectors.market_requirements(markets)
    total = (
        Evaluation.objects.filter(template__in=versions).count()
        if job.kind == RecomputeKind.TEMPLATE
        else Evaluation.objects.filter(candidate__market_id=market_id).count()
    )
    mine.update(total=total, updated_at=timezone.now())
    changed = 0
    stale: list[int] = []
    for number, template_id in enumerate(jobs_templates):
        template = selectors.template_with_items(template_id)
        base_changed = changed

        def progress(fraction: float, diff: int, n=number, bc=base_changed) -> None:
            share = (n + fraction) / len(jobs_templates)
            mine.update(
                processed=round(total * share), changed=bc + diff, updated_at=timezone.now()
            )

        scope_where = (
            where if job.kind == RecomputeKind.TEMPLATE else (f"{where} AND e.template_id = %s")
        )
        scope_params = params if job.kind == RecomputeKind.TEMPLATE else [*params, template_id]
        outcome = recompute.run(
            template=selectors.template_spec(template),
            template_id=template.pk,
            requirements=requirements,
            where=scope_where,
            where_params=scope_params,
            batch_size=batch_size,
            on_batch=progress,
            job_id=job.pk,
            parallel=parallel if parallel is not None else RECOMPUTE_PARALLEL,
        )
        changed += outcome.changed
        stale.extend(outcome.stale_sheet_ids)
    processed = total  # every evaluation in scope was examined (unchanged inputs skipped)
    mine.update(
        status=JobStatus.DONE,
        processed=processed,
        changed=changed,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if stale:
        queue_sheet_renders(stale)
    job.refresh_from_db()
    return job


def mark_sheets_stale(*, candidate_id: int) -> None:
    stale = list(
        EvaluationSheet.objects.filter(
            candidate_id=candidate_id, status=SheetStatus.READY
        ).values_list("pk", flat=True)
    )
    if stale:
        EvaluationSheet.objects.filter(pk__in=stale).update(
            status=SheetStatus.STALE, updated_at=timezone.now()
        )
        queue_sheet_renders(stale)


def queue_sheet_renders(sheet_ids: list[int], *, chunk: int = 10) -> None:
    """Render sheets after commit, in chunks (never one task per row for big sets)."""

    ids = list(sheet_ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        enqueue_on_commit(render_sheets, part)


def recompute_jobs_sweep(*, now) -> int:
    """Re-send recompute jobs stuck queued or held by a worker that stopped reporting."""
    return jobs.sweep_progress_jobs(RecomputeJob, run_recompute_job, now=now)
