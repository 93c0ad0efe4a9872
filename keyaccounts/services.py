"""Writes for key accounts, assessments and scorecard templates. Views, API, admin,
tasks and the demo command all call these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events, jobs
from dealerhub.core.concurrency import refuse_stale
from dealerhub.core.jobs import enqueue_on_commit
from markets import selectors as market_selectors
from markets.models import Territory

from . import scoring
from .choices import JobStatus
from .models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    RecomputeJob,
    ScorecardTemplate,
    SkuListing,
    TemplateCriterion,
    TradeTerms,
)

RECOMPUTE_BATCH = 2000


MEASURE_FIELDS = (
    "annual_turnover",
    "growth_rate",
    "dso_days",
    "merchandising_share",
    "activity_share",
    "skus_carried",
    "buyer_relationship",
    "profitability",
    "market_share",
    "product_distribution",
    "inventory_days",
)
POINT_FIELDS = (
    "our_merchandising_points",
    "total_merchandising_points",
    "our_activity_points",
    "total_activity_points",
    "our_skus_in_category",
    "total_skus_in_category",
)


# --- Templates --------------------------------------------------------------------------


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


# --- Accounts ---------------------------------------------------------------------------


@transaction.atomic
def account_upsert(
    *, external_code: str, data: Mapping[str, object], territory: Territory | None = None
) -> tuple[KeyAccount, bool]:
    """Create or update an account by its external code (the ERP's key)."""
    account = KeyAccount.objects.select_for_update().filter(external_code=external_code).first()
    created = account is None
    if account is None:
        if territory is None:
            raise ValidationError({"territory": _("A new key account needs its home territory.")})
        account = KeyAccount(external_code=external_code)
    if territory is not None:
        account.territory = territory
    for name in KeyAccount.PROFILE_FIELDS:
        if name in data:
            setattr(account, name, data[name] if data[name] is not None else "")
    account.full_clean()
    account.save()
    return account, created


@transaction.atomic
def account_update_profile(
    *, account_id: int, expected_updated_at, data: Mapping[str, object]
) -> KeyAccount:
    """Update the profile from the edit form, refusing to overwrite a newer edit."""
    account = KeyAccount.objects.select_for_update().get(pk=account_id)
    refuse_stale(account.updated_at, expected_updated_at)
    for name in (*KeyAccount.PROFILE_FIELDS, "rep"):
        if name in data:
            setattr(account, name, data[name])
    account.full_clean()
    account.save()
    return account


# --- Assessments ------------------------------------------------------------------------


def _shares_from_points(values: dict) -> dict:
    """When raw points are recorded, the shares are computed from them (spec rule)."""
    pairs = {
        "merchandising_share": ("our_merchandising_points", "total_merchandising_points"),
        "activity_share": ("our_activity_points", "total_activity_points"),
        "product_distribution": ("our_skus_in_category", "total_skus_in_category"),
    }
    for share, (ours, total) in pairs.items():
        computed = scoring.share_pct(values.get(ours), values.get(total))
        if computed is not None:
            values[share] = computed
    for ours, total in pairs.values():
        if values.get(ours) is not None and values.get(total) is not None:
            if values[ours] > values[total]:
                raise ValidationError({ours: _("Our points cannot exceed all points.")})
    return values


@transaction.atomic
def assessment_upsert(
    *, account: KeyAccount, year: int, measures: Mapping[str, object]
) -> tuple[Assessment, bool]:
    """Create or update the year's assessment under the current default template."""
    template = default_template()
    values = {name: measures.get(name) for name in (*MEASURE_FIELDS, *POINT_FIELDS)}
    values = _shares_from_points(values)
    assessment = Assessment.objects.select_for_update().filter(account=account, year=year).first()
    created = assessment is None
    previous_quadrant = None if assessment is None else assessment.quadrant
    if assessment is None:
        assessment = Assessment(account=account, year=year)
    for name, value in values.items():
        setattr(assessment, name, value)
    result = scoring.evaluate(
        template.as_criteria(),
        values,
        threshold_attractiveness=template.threshold_attractiveness,
        threshold_supportiveness=template.threshold_supportiveness,
    )
    assessment.template = template
    assessment.attractiveness = result.attractiveness
    assessment.supportiveness = result.supportiveness
    assessment.quadrant = result.quadrant
    assessment.full_clean()
    assessment.save()
    if assessment.quadrant != previous_quadrant:
        _publish_quadrant_changes([(assessment.pk, previous_quadrant, assessment.quadrant)])
    return assessment, created


def _publish_quadrant_changes(changes: list[tuple[int, str | None, str]]) -> None:
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
            territory_path=row["account__territory__path"],
        )


# --- Recompute job ----------------------------------------------------------------------


def recompute_request(*, template_id: int, user=None) -> RecomputeJob:
    """Record a recompute job and queue it once the surrounding transaction commits."""
    from .tasks import recompute_assessments

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
            _publish_quadrant_changes([row for row in returned if row[1] != row[2]])
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


def recompute_release(*, job_id: int, token: str) -> None:
    """Hand a claimed job back to the queue (a transient error; the retry claims it)."""
    RecomputeJob.objects.filter(pk=job_id, claimed_by=token, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, claimed_by="", updated_at=timezone.now()
    )


def recompute_failed(*, job_id: int, token: str, error: str) -> None:
    RecomputeJob.objects.filter(pk=job_id, claimed_by=token).update(
        status=JobStatus.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# Re-send a queued job after this long (its message may be lost); a running job with no
# progress for RECOMPUTE_LEASE (a batch takes well under a second) lost its worker and is
# queued again, at most RECOMPUTE_MAX_CLAIMS times.
RECOMPUTE_REQUEUE_AFTER = 300
RECOMPUTE_LEASE = 300
RECOMPUTE_MAX_CLAIMS = 3


def recompute_jobs_sweep(*, now) -> int:
    """Re-send recompute jobs stuck queued or held by a worker that stopped reporting."""
    from .tasks import recompute_assessments

    dead = Q(status=JobStatus.RUNNING, updated_at__lt=jobs.older_than(now, RECOMPUTE_LEASE))
    with transaction.atomic():
        RecomputeJob.objects.filter(dead, attempts__gte=RECOMPUTE_MAX_CLAIMS).update(
            status=JobStatus.FAILED,
            error=f"Gave up: the job did not finish in {RECOMPUTE_MAX_CLAIMS} attempts.",
            finished_at=now,
            updated_at=now,
        )
        ids = jobs.take(
            RecomputeJob.objects.filter(
                dead
                | Q(
                    status=JobStatus.QUEUED,
                    updated_at__lt=jobs.older_than(now, RECOMPUTE_REQUEUE_AFTER),
                )
            ),
            status=JobStatus.QUEUED,
            claimed_by="",
            updated_at=now,
        )
        for job_id in ids:
            enqueue_on_commit(recompute_assessments, job_id)
    return len(ids)


# --- Records on the account page --------------------------------------------------------


def _save_account_record(*, instance, account: KeyAccount, expected_updated_at=None):
    """Attach a record to its account and save it, refusing to overwrite a newer edit."""
    model = type(instance)
    if instance.pk:
        current = (
            model.objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        refuse_stale(current, expected_updated_at)
    instance.account = account
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def trade_terms_save(*, terms: TradeTerms, account: KeyAccount, expected_updated_at=None):
    return _save_account_record(
        instance=terms, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def contact_save(*, contact: Contact, account: KeyAccount, expected_updated_at=None):
    if contact.reports_to is not None and contact.reports_to.account_id != account.pk:
        raise ValidationError({"reports_to": _("Choose a contact of the same account.")})
    # A reporting line must not loop back to this contact.
    boss = contact.reports_to
    while contact.pk and boss is not None:
        if boss.pk == contact.pk:
            raise ValidationError({"reports_to": _("This reporting line would form a loop.")})
        boss = boss.reports_to
    return _save_account_record(
        instance=contact, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def sku_listing_save(*, listing: SkuListing, account: KeyAccount, expected_updated_at=None):
    return _save_account_record(
        instance=listing, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def outlet_card_save(*, card: OutletCard, account: KeyAccount, expected_updated_at=None):
    if card.outlet.kind != "ka_store":
        raise ValidationError({"outlet": _("Only KA stores get a store record card.")})
    return _save_account_record(
        instance=card, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def account_years_save(*, account: KeyAccount, years: Iterable[AccountYear]) -> int:
    """Save the yearly figures table (one row per year)."""
    saved = 0
    for row in years:
        _save_account_record(instance=row, account=account)
        saved += 1
    return saved


@transaction.atomic
def comparisons_save(*, account: KeyAccount, rows: Iterable[CompetitorComparison]) -> int:
    """Save the us vs competitor 1 vs competitor 2 table."""
    saved = 0
    for row in rows:
        _save_account_record(instance=row, account=account)
        saved += 1
    return saved


# --- ERP bulk upsert --------------------------------------------------------------------


def accounts_bulk_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert key accounts pushed by an ERP (PUT or bulk): one result per record, in order.

    A record holds `external_code`, the profile fields it sends and, to create or move
    an account, `territory` (home territory code). Fields a record leaves out keep
    their stored values; the write is set-based (`dealerhub.core.bulk.Batch`).
    """
    from dealerhub.core.bulk import Batch

    batch = Batch(records, allowed_paths=allowed_paths)
    batch.check_stored(KeyAccount.objects, path="territory__path")
    for _index, row in batch.pending():
        for name in KeyAccount.PROFILE_FIELDS:
            if name in row and row[name] is None:
                row[name] = ""
    batch.resolve(
        "territory",
        *market_selectors.TERRITORY_BY_CODE,
        message=_("No territory has the code %(code)s."),
        required_on_create=_("A new key account needs its home territory."),
    )
    batch.upsert(KeyAccount)
    return batch.results
