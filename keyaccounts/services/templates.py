"""KA scoring templates, the default one, and recomputing assessments when it changes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events, jobs
from dealerhub.core.jobs import enqueue_on_commit

from .. import scoring
from ..choices import JobStatus
from ..models import (
    Assessment,
    RecomputeJob,
    ScorecardTemplate,
    TemplateCriterion,
)
from ..tasks import recompute_assessments

RECOMPUTE_BATCH = 2000


def _criteria_errors(criteria: Iterable[scoring.Criterion]) -> dict[str, str]:
    problems = scoring.validate_criteria(criteria)
    messages = {}
    for key, _message in problems.items():
        if key in scoring.AXES:
            total = sum(c.weight for c in criteria if c.axis == key)
            messages[key] = _(
                "The weights of this axis sum to %(total)s; they must sum to 100."
            ) % {"total": total}
        else:
            messages[key] = _("%(measure)s needs a positive weight and four ascending edges.") % {
                "measure": key
            }
    return messages


@transaction.atomic
def template_create(
    *,
    name: str,
    criteria: list[scoring.Criterion],
    threshold_attractiveness: Decimal = scoring.DEFAULT_THRESHOLD,
    threshold_supportiveness: Decimal = scoring.DEFAULT_THRESHOLD,
    notes: str = "",
    make_default: bool = False,
) -> ScorecardTemplate:
    """A new template version; refused unless each axis's weights sum to 100."""
    errors = _criteria_errors(criteria)
    if errors:
        raise ValidationError(errors)
    # Serialise version numbering on the table's rows (the unique constraint backs it up).
    list(ScorecardTemplate.objects.select_for_update().values_list("id", flat=True))
    version = (ScorecardTemplate.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    template = ScorecardTemplate(
        name=name,
        version=version,
        threshold_attractiveness=threshold_attractiveness,
        threshold_supportiveness=threshold_supportiveness,
        notes=notes,
    )
    template.full_clean()
    template.save()
    TemplateCriterion.objects.bulk_create(
        [
            TemplateCriterion(
                template=template,
                axis=c.axis,
                measure=c.measure,
                weight=c.weight,
                kind=c.kind,
                position=position,
                **dict(zip(("edge_1", "edge_2", "edge_3", "edge_4"), c.edges, strict=False)),
            )
            for position, c in enumerate(criteria)
        ]
    )
    if make_default:
        template_make_default(template_id=template.pk)
    return template


@transaction.atomic
def template_make_default(*, template_id: int, user=None) -> RecomputeJob:
    """Make a template version the default and queue the recompute of every assessment."""
    template = ScorecardTemplate.objects.select_for_update().get(pk=template_id)
    errors = _criteria_errors(template.as_criteria())
    if errors:
        raise ValidationError(errors)
    ScorecardTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(
        is_default=False
    )
    if not template.is_default:
        template.is_default = True
        template.save(update_fields=["is_default", "updated_at"])
    return recompute_request(template_id=template.pk, user=user)


def default_template() -> ScorecardTemplate:
    """The current default template; the spec's tables (version 1) if none exists yet."""
    template = ScorecardTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    with transaction.atomic():
        template = ScorecardTemplate.objects.select_for_update().filter(is_default=True).first()
        if template is None:
            template = template_create(
                name=_("KA portfolio (default)"), criteria=list(scoring.DEFAULT_CRITERIA)
            )
            ScorecardTemplate.objects.filter(pk=template.pk).update(is_default=True)
            template.is_default = True
    return template


def recompute_request(*, template_id: int, user=None) -> RecomputeJob:
    """Record a recompute job and queue it once the surrounding transaction commits."""

    job = RecomputeJob.objects.create(template_id=template_id, requested_by=user)
    enqueue_on_commit(recompute_assessments, job.pk)
    return job


def assessments_recompute(*, job_id: int, token: str | None = None) -> RecomputeJob | None:
    """Rescore every assessment under the job's template, in batches, set-based.

    The job is claimed first (queued → running); one that is done, failed or running
    elsewhere is left alone (None), so a duplicate or redelivered message runs nothing.
    Rows whose scores and template already match are not written (IS DISTINCT FROM),
    so a job re-sent after its worker died writes each change once. Progress after each
    batch is the heartbeat the sweep watches.
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
    mine.update(processed=0, changed=0, updated_at=timezone.now())
    job = RecomputeJob.objects.select_related("template").get(pk=job_id)
    template = job.template
    criteria = template.as_criteria()
    measure_names = sorted({c.measure for c in criteria})
    total = Assessment.objects.count()
    mine.update(total=total, updated_at=timezone.now())
    last_id = 0
    processed = changed = 0
    table = Assessment._meta.db_table
    while True:
        rows = list(
            Assessment.objects.filter(id__gt=last_id)
            .order_by("id")
            .values("id", *measure_names)[:RECOMPUTE_BATCH]
        )
        if not rows:
            break
        last_id = rows[-1]["id"]
        values = []
        for row in rows:
            result = scoring.evaluate(
                criteria,
                row,
                threshold_attractiveness=template.threshold_attractiveness,
                threshold_supportiveness=template.threshold_supportiveness,
            )
            values.append(
                (row["id"], result.attractiveness, result.supportiveness, result.quadrant)
            )
        placeholders = ", ".join(["(%s, %s::numeric, %s::numeric, %s)"] * len(values))
        # The old quadrant comes back from the same statement, so moves between
        # quadrants can be announced without re-reading the rows.
        sql = f"""
            UPDATE {table} a
            SET attractiveness = v.att, supportiveness = v.sup, quadrant = v.quadrant,
                template_id = %s, updated_at = now()
            FROM (VALUES {placeholders}) AS v(id, att, sup, quadrant),
                 {table} old
            WHERE a.id = v.id AND old.id = a.id
              AND (a.attractiveness, a.supportiveness, a.quadrant, a.template_id)
                  IS DISTINCT FROM (v.att, v.sup, v.quadrant, %s)
            RETURNING a.id, old.quadrant, a.quadrant
        """  # noqa: S608 - table name from model meta; values are parameters
        params = [template.pk, *[item for row in values for item in row], template.pk]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            returned = cursor.fetchall()
            changed += len(returned)
            publish_quadrant_changes([row for row in returned if row[1] != row[2]])
        processed += len(rows)
        mine.update(processed=processed, changed=changed, updated_at=timezone.now())
    mine.update(
        status=JobStatus.DONE,
        processed=processed,
        changed=changed,
        total=max(total, processed),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def publish_quadrant_changes(changes: list[tuple[int, str | None, str]]) -> None:
    """Tell subscribed ERP clients (webhook `key_account.quadrant_changed`)."""
    if not changes:
        return
    rows = Assessment.objects.filter(pk__in=[pk for pk, _old, _new in changes]).values(
        "pk",
        "year",
        "attractiveness",
        "supportiveness",
        "account__external_code",
        "account__name",
        "account__territory__path",
    )
    by_pk = {row["pk"]: row for row in rows}
    for pk, old, new in changes:
        row = by_pk[pk]
        events.publish(
            event=events.KA_QUADRANT_CHANGED,
            data={
                "key_account": row["account__external_code"],
                "name": row["account__name"],
                "year": row["year"],
                "quadrant": new,
                "previous_quadrant": old,
                "attractiveness": str(row["attractiveness"]),
                "supportiveness": str(row["supportiveness"]),
            },
            # A national account's path is "": only clients that see everything hear it.
            territory_path=row["account__territory__path"] or "",
        )


def recompute_jobs_sweep(*, now) -> int:
    """Re-send recompute jobs stuck queued or held by a worker that stopped reporting."""
    return jobs.sweep_progress_jobs(RecomputeJob, recompute_assessments, now=now)
