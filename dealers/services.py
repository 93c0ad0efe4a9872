"""Writes for dealer selection. Views, the API, admin actions and tasks call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events, jobs
from dealerhub.core.concurrency import refuse_stale
from dealerhub.core.jobs import enqueue_on_commit
from markets import selectors as market_selectors
from markets.models import Market

from . import policies, rules, scoring, selectors
from .choices import (
    ALLOWED_MOVES,
    JobStatus,
    RecomputeKind,
    RedFlag,
    SheetStatus,
    Stage,
    TemplateStatus,
)
from .models import (
    Candidate,
    Contract,
    Dealer,
    Evaluation,
    EvaluationScore,
    EvaluationSheet,
    ObjectionAnswer,
    RecomputeJob,
    ScorecardTemplate,
    StageChange,
)

# Connections a recompute job spreads its batches over (about the database's cores).
RECOMPUTE_PARALLEL = getattr(settings, "DEALERS_RECOMPUTE_PARALLEL", 2)


def _refuse_stale(instance, expected_updated_at) -> None:
    refuse_stale(instance.updated_at, expected_updated_at)


# --- Candidates ---------------------------------------------------------------------------


@transaction.atomic
def candidate_upsert(
    *, external_code: str, values: dict, user=None, expected_updated_at=None
) -> tuple[Candidate, bool]:
    """Create or update a candidate by its external code; capacity changes re-score it."""
    candidate = Candidate.objects.select_for_update().filter(external_code=external_code).first()
    created = candidate is None
    if candidate is None:
        candidate = Candidate(
            external_code=external_code, owner_rep=user if policies.is_rep(user) else None
        )
        candidate.stage_changed_at = timezone.now()
    else:
        _refuse_stale(candidate, expected_updated_at)
    before = {name: getattr(candidate, name) for name in Candidate.CAPACITY_FIELDS}
    market_changed = False
    for name, value in values.items():
        if name == "market" and not created and value.pk != candidate.market_id:
            market_changed = True
        setattr(candidate, name, value)
    candidate.full_clean()
    candidate.save()
    if created:
        StageChange.objects.create(
            candidate=candidate,
            from_stage="",
            to_stage=candidate.stage,
            by=user,
            reason=_("Recorded (source: %(source)s)") % {"source": candidate.get_source_display()},
        )
    elif market_changed or any(
        getattr(candidate, n) != before[n] for n in Candidate.CAPACITY_FIELDS
    ):
        recompute_candidate(candidate_id=candidate.pk)
    return candidate, created


def candidate_add_red_flag(*, candidate_id: int, flag: str) -> Candidate:
    """A confirmed diversion / price-dumping case adds the red flag to the dealer's reputation.

    The reputation gate then rejects its evaluations (re-scored here).
    """
    if flag not in RedFlag.values:
        raise ValidationError({"flag": _("Unknown red flag %(flag)s.") % {"flag": flag}})
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
        if flag not in candidate.confirmed_red_flags:
            candidate.confirmed_red_flags = [*candidate.confirmed_red_flags, flag]
            candidate.save(update_fields=["confirmed_red_flags", "updated_at"])
            recompute_candidate(candidate_id=candidate.pk)
    return candidate


# --- Evaluations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingProblems:
    missing: list[str]
    unknown: list[str]
    out_of_range: list[str]
    unknown_flags: list[str]


def check_ratings(
    *, spec: scoring.TemplateSpec, ratings: dict, red_flags: list[str]
) -> RatingProblems:
    codes = set(spec.subitem_codes)
    return RatingProblems(
        missing=[],
        unknown=sorted(code for code in ratings if code not in codes),
        out_of_range=sorted(
            code
            for code, level in ratings.items()
            if code in codes and level is not None and scoring.level_points(level) is None
        ),
        unknown_flags=sorted(flag for flag in red_flags if flag not in RedFlag.values),
    )


def _apply_result(evaluation: Evaluation, result: scoring.Result) -> None:
    evaluation.criteria_scores = {
        code: (float(score) if score is not None else None)
        for code, score in result.criteria.items()
    }
    evaluation.total = result.total
    evaluation.decision = result.decision or ""
    evaluation.dealer_type = result.dealer_type
    evaluation.oversized = result.oversized
    evaluation.scored_at = timezone.now()
    evaluation.score_inputs = ""  # scored here; the next recompute records its inputs


@transaction.atomic
def evaluation_save(
    *,
    candidate_id: int,
    user,
    ratings: dict,
    notes: dict | None = None,
    red_flags: list[str] | None = None,
    capacity: dict | None = None,
    submit: bool,
    evaluation_id: int | None = None,
) -> tuple[Evaluation, scoring.Result]:
    """Save (and score) a draft evaluation, or submit a complete one.

    The save continues the draft `evaluation_id` names (which must be the user's and
    still open) or, without an id, the user's open draft of the candidate; only when
    there is none does it start a new evaluation. Submitting needs every sub-item not
    scored by the fit function rated 1–5; problems raise ValidationError naming the codes.
    Capacity measures go to the candidate.
    """
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("market__territory")
        .get(pk=candidate_id)
    )
    evaluation = _draft_to_continue(candidate=candidate, user=user, evaluation_id=evaluation_id)
    capacity_changed = False
    if capacity:
        for name, value in capacity.items():
            if name not in Candidate.CAPACITY_FIELDS:
                raise ValidationError({name: _("Unknown capacity measure.")})
            capacity_changed |= getattr(candidate, name) != value
            setattr(candidate, name, value)
        if capacity_changed:
            candidate.full_clean()
            candidate.save()
    if evaluation is not None:
        template = selectors.template_with_items(evaluation.template_id)
    else:
        template = selectors.template_with_items(selectors.published_template().pk)
        evaluation = Evaluation(candidate=candidate, template=template, evaluator=user)
    spec = selectors.template_spec(template)
    red_flags = sorted(set(red_flags or []))
    ratings = {code: level for code, level in ratings.items() if level is not None}
    problems = check_ratings(spec=spec, ratings=ratings, red_flags=red_flags)
    errors: dict[str, list[str]] = {}
    if problems.unknown:
        errors["ratings"] = [
            _("Unknown sub-item code(s): %(codes)s.") % {"codes": ", ".join(problems.unknown)}
        ]
    if problems.out_of_range:
        errors.setdefault("ratings", []).append(
            _("Ratings must be whole numbers from 1 to 5: %(codes)s.")
            % {"codes": ", ".join(problems.out_of_range)}
        )
    if problems.unknown_flags:
        errors["red_flags"] = [
            _("Unknown red-flag code(s): %(codes)s.") % {"codes": ", ".join(problems.unknown_flags)}
        ]
    need, key_city = selectors.requirement_for(candidate.market)
    capacity_now = selectors.capacity_of(candidate)
    missing = scoring.missing_ratings(spec, ratings, capacity_now, need)
    if submit and missing and not errors:
        errors["ratings"] = [_("Missing ratings for: %(codes)s.") % {"codes": ", ".join(missing)}]
        errors["missing"] = missing
    unknown_notes = sorted(set(notes or {}) - set(spec.subitem_codes))
    if unknown_notes:
        errors["notes"] = [
            _("Unknown sub-item code(s): %(codes)s.") % {"codes": ", ".join(unknown_notes)}
        ]
    if errors:
        raise ValidationError(errors)
    evaluation.ratings = ratings
    evaluation.notes = {code: text for code, text in (notes or {}).items() if text}
    evaluation.red_flags = red_flags
    evaluation.submitted = submit
    result = scoring.evaluate(
        template=spec,
        ratings=ratings,
        red_flags=[*red_flags, *candidate.confirmed_red_flags],
        capacity=capacity_now,
        requirement=need,
        key_city=key_city,
    )
    previous = selectors.latest_evaluation(candidate) if submit else None
    _apply_result(evaluation, result)
    evaluation.full_clean()
    evaluation.save()
    if submit and (previous is None or previous.decision != evaluation.decision):
        _publish_decision(candidate, evaluation, previous.decision if previous else None)
    EvaluationScore.objects.create(
        evaluation=evaluation,
        template_id=evaluation.template_id,
        criteria_scores=evaluation.criteria_scores,
        total=evaluation.total,
        decision=evaluation.decision,
        dealer_type=evaluation.dealer_type,
        oversized=evaluation.oversized,
    )
    if capacity_changed:
        # The candidate's other (submitted) scorecards are scored against its measures too.
        recompute_candidate(candidate_id=candidate.pk)
    if submit:
        _mark_sheets_stale(candidate.pk)
    return evaluation, result


def _draft_to_continue(*, candidate: Candidate, user, evaluation_id: int | None):
    """The open draft a save continues: the one named, or else the user's own, if any.

    Called with the candidate's row locked, which every save of its scorecards takes
    first: two concurrent autosaves without an id cannot both miss the draft and create
    one each (the constraint `evaluation_one_open_draft` backs this in the database).
    """
    drafts = Evaluation.objects.select_for_update().filter(candidate=candidate)
    if evaluation_id is None:
        if user is None:
            return None
        return drafts.filter(evaluator=user, submitted=False).first()
    evaluation = drafts.filter(pk=evaluation_id).first()
    if evaluation is None or (user is not None and evaluation.evaluator_id != user.pk):
        raise ValidationError(
            {"evaluation": _("This scorecard draft is not yours or no longer exists.")}
        )
    if evaluation.submitted:
        # A late autosave after the submission: never reopen or copy a submitted scorecard.
        raise ValidationError(
            {"evaluation": _("This scorecard has been submitted; reload the page to see it.")}
        )
    return evaluation


def _mark_sheets_stale(candidate_id: int) -> None:
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


def queue_sheet_renders(sheet_ids: list[int], chunk: int = 10) -> None:
    """Render sheets after commit, in chunks (never one task per row for big sets)."""
    from .tasks import render_sheets

    ids = list(sheet_ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        enqueue_on_commit(render_sheets, part)


# --- Pipeline -------------------------------------------------------------------------------


def stage_move_violations(*, candidate: Candidate, to_stage: str) -> list[rules.RuleViolation]:
    """Which of the spec's rules 1–5 a move breaks (empty = allowed without override)."""
    return rules.move_violations(selectors.move_facts(candidate, to_stage), to_stage)


@transaction.atomic
def candidate_move(
    *,
    candidate_id: int,
    to_stage: str,
    user,
    reason: str = "",
    override: bool = False,
    rejection_reason: str = "",
) -> StageChange:
    """Move a candidate to another stage, enforcing rules 1–5 (override: HQ/manager + reason)."""
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("market__territory")
        .get(pk=candidate_id)
    )
    from_stage = candidate.stage
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    if to_stage not in ALLOWED_MOVES[Stage(from_stage)]:
        raise ValidationError(
            {
                "to_stage": _("A candidate cannot move from %(from)s to %(to)s.")
                % {"from": Stage(from_stage).label, "to": Stage(to_stage).label}
            }
        )
    reason = (reason or "").strip()
    if to_stage == Stage.REJECTED and not rejection_reason:
        raise ValidationError({"rejection_reason": _("Give the reason for rejecting.")})
    violations = stage_move_violations(candidate=candidate, to_stage=to_stage)
    overridden: list[int] = []
    if violations:
        if not override:
            raise ValidationError({"to_stage": [v.message for v in violations]})
        if not policies.can_override(user):
            raise ValidationError(
                {"override": _("Only an HQ admin or a regional manager can override the rules.")}
            )
        if not reason:
            raise ValidationError({"reason": _("An override needs a written reason.")})
        overridden = sorted({v.rule for v in violations})
    candidate.stage = to_stage
    candidate.stage_changed_at = timezone.now()
    candidate.rejection_reason = rejection_reason if to_stage == Stage.REJECTED else ""
    candidate.full_clean()
    candidate.save()
    change = StageChange.objects.create(
        candidate=candidate,
        from_stage=from_stage,
        to_stage=to_stage,
        by=user,
        reason=reason,
        overridden_rules=overridden,
    )
    if to_stage == Stage.SIGNED:
        _appoint_dealer(candidate=candidate, user=user, overridden=overridden)
    return change


def _publish_decision(candidate: Candidate, evaluation: Evaluation, previous: str | None) -> None:
    """Webhook `evaluation.decision_changed` for subscribed ERP clients."""
    events.publish(
        event=events.EVALUATION_DECISION_CHANGED,
        data={
            "candidate": candidate.external_code,
            "name": candidate.name,
            "market": candidate.market.territory.code,
            "decision": evaluation.decision,
            "previous_decision": previous,
            "total": str(evaluation.total) if evaluation.total is not None else None,
            "dealer_type": evaluation.dealer_type,
        },
        territory_path=candidate.market.territory.path,
    )


def _appoint_dealer(*, candidate: Candidate, user, overridden: list[int]) -> Dealer:
    contract = candidate.contract
    overlaps = selectors.contract_overlaps(contract)
    note = "; ".join(f"{dealer} · {path} · {channel}" for dealer, path, _new, channel in overlaps)
    dealer, _created = Dealer.objects.update_or_create(
        candidate=candidate,
        defaults={
            "market": candidate.market,
            "name": candidate.name,
            "external_code": candidate.external_code,
            "active": True,
            "since": contract.term_start,
            "overlap_confirmed_by": user if 5 in overridden else None,
            "overlap_note": note,
        },
    )
    events.publish(
        event=events.DEALER_SIGNED,
        data={
            "dealer": dealer.external_code,
            "name": dealer.name,
            "market": candidate.market.territory.code,
            "since": dealer.since.isoformat() if dealer.since else None,
            "overlaps": note,
        },
        territory_path=candidate.market.territory.path,
    )
    return dealer


@transaction.atomic
def contract_save(
    *,
    candidate_id: int,
    territory_ids: list[int],
    channels: list[str],
    values: dict,
    expected_updated_at=None,
) -> Contract:
    """Record or edit the contract of a candidate (no exclusivity field, by design)."""
    from markets.choices import Channel

    candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
    contract = Contract.objects.filter(candidate=candidate).first() or Contract(candidate=candidate)
    if contract.pk:
        _refuse_stale(contract, expected_updated_at)
    bad = [channel for channel in channels if channel not in Channel.values]
    if bad or not channels:
        raise ValidationError({"channels": _("Choose one or more known channels.")})
    if not territory_ids:
        raise ValidationError({"territories": _("Choose the territories the dealer serves.")})
    for name, value in values.items():
        setattr(contract, name, value)
    contract.channels = sorted(set(channels))
    if contract.payment_terms == "prepayment":
        contract.credit_limit = Decimal(0)
    contract.full_clean(exclude=["territories"])
    contract.save()
    contract.territories.set(territory_ids)
    return contract


# --- Templates and recomputation ---------------------------------------------------------------


@transaction.atomic
def template_publish(*, template_id: int) -> RecomputeJob:
    """Publish a draft version (weights must sum to 100) and queue re-scoring of every
    evaluation of the same template."""
    template = ScorecardTemplate.objects.select_for_update().get(pk=template_id)
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    template = selectors.template_with_items(template.pk)
    if scoring.criterion_weights_error([c.weight for c in template.criteria.all()]):
        raise ValidationError(_("Criterion weights must be positive and sum to 100."))
    if any(not c.subitems.all() for c in template.criteria.all()):
        raise ValidationError(_("Every criterion needs at least one sub-item."))
    ScorecardTemplate.objects.filter(name=template.name, status=TemplateStatus.PUBLISHED).update(
        status=TemplateStatus.RETIRED, updated_at=timezone.now()
    )
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at", "updated_at"])
    job = RecomputeJob.objects.create(kind=RecomputeKind.TEMPLATE, template=template)
    from .tasks import run_recompute_job

    enqueue_on_commit(run_recompute_job, job.pk)
    return job


@transaction.atomic
def template_new_draft(*, template_id: int) -> ScorecardTemplate:
    """Copy a version into a new draft (criteria, sub-items, level texts) for editing."""
    source = selectors.template_with_items(template_id)
    latest = ScorecardTemplate.objects.filter(name=source.name).latest("version").version
    draft = ScorecardTemplate.objects.create(name=source.name, version=latest + 1)
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
    from .tasks import run_recompute_job

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
        from . import recompute

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
    from . import recompute

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


def recompute_job_failed(*, job_id: int, token: str, error: str) -> None:
    RecomputeJob.objects.filter(pk=job_id, claimed_by=token).update(
        status=JobStatus.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def recompute_job_release(*, job_id: int, token: str) -> None:
    """Hand a claimed job back to the queue (a transient error; the retry claims it)."""
    RecomputeJob.objects.filter(pk=job_id, claimed_by=token, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, claimed_by="", updated_at=timezone.now()
    )


# A queued job whose message may have been lost is re-sent after this long; a running
# job that has written no progress (its heartbeat) for RECOMPUTE_LEASE is presumed dead
# (a batch takes seconds) and queued again, at most RECOMPUTE_MAX_CLAIMS times.
RECOMPUTE_REQUEUE_AFTER = 300
RECOMPUTE_LEASE = 300
RECOMPUTE_MAX_CLAIMS = 3


def recompute_jobs_sweep(*, now) -> int:
    """Re-send recompute jobs stuck queued or held by a worker that stopped reporting."""
    from .tasks import run_recompute_job

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
            enqueue_on_commit(run_recompute_job, job_id)
    return len(ids)


# --- Playbook -------------------------------------------------------------------------------


@transaction.atomic
def objection_update(*, objection_id: int, heading: str, answer: str, expected_updated_at=None):
    item = ObjectionAnswer.objects.select_for_update().get(pk=objection_id)
    _refuse_stale(item, expected_updated_at)
    item.heading = heading
    item.answer = answer
    item.full_clean()
    item.save()
    return item


# --- ERP master data: dealers -----------------------------------------------------------


def dealers_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert dealers pushed by an ERP: one result per record, in order.

    Each record is a dict of validated fields with `external_code` and, to create or
    move a dealer, `market` (the market territory's code), or {"errors": …} when its own
    validation failed. Markets are resolved in the caller's scope in one query; the
    write is set-based (`dealerhub.core.bulk.Batch`), unchanged rows untouched and
    fields a record leaves out kept.
    """
    from dealerhub.core.bulk import Batch

    batch = Batch(records, allowed_paths=allowed_paths)
    batch.check_stored(Dealer.objects, path="market__territory__path")
    batch.resolve(
        "market",
        *market_selectors.MARKET_BY_CODE,
        message=_("No market has the code %(code)s."),
        required_on_create=_("A new dealer needs its market."),
    )
    batch.upsert(Dealer)
    return batch.results


@transaction.atomic
def dealer_delete(*, dealer: Dealer) -> None:
    """Delete a dealer and leave a tombstone so incremental pulls see the deletion."""
    events.record_deleted(
        resource="dealers",
        external_code=dealer.external_code,
        territory_path=dealer.market.territory.path,
    )
    dealer.delete()


def candidates_bulk_upsert(
    *, records: list[dict], allowed_paths: list[str] | None, user=None
) -> list[dict]:
    """Upsert candidates pushed by an ERP (PUT or bulk): one result per record, in order.

    Like ``candidate_upsert`` for each record: a new candidate starts its stage history
    (a rep who records it owns it), and candidates whose market or capacity changed are
    re-scored (one recompute job per affected market, after commit). Fields a record
    leaves out keep their values.
    """
    from dealerhub.core.bulk import CREATED, UPDATED, Batch

    batch = Batch(records, allowed_paths=allowed_paths)
    stored = batch.check_stored(
        Candidate.objects,
        path="market__territory__path",
        values=("market_id", *Candidate.CAPACITY_FIELDS),
    )
    batch.resolve(
        "market",
        *market_selectors.MARKET_BY_CODE,
        message=_("No market has the code %(code)s."),
        required_on_create=_("A new candidate needs its market."),
    )
    sent = {row["external_code"]: row for _index, row in batch.pending()}
    batch.upsert(Candidate)
    results = batch.results
    rescore: set[int] = set()
    for result in results:
        if result["status"] != UPDATED:
            continue
        before, after = stored[result["external_code"]], sent[result["external_code"]]
        if after.get("market", before["market_id"]) != before["market_id"] or any(
            name in after and after[name] != before[name] for name in Candidate.CAPACITY_FIELDS
        ):
            rescore.update({before["market_id"], after.get("market", before["market_id"])})
    created = [r["external_code"] for r in results if r["status"] == CREATED]
    if created:
        now = timezone.now()
        new = list(Candidate.objects.filter(external_code__in=created))
        owner = {"owner_rep": user} if policies.is_rep(user) else {}
        Candidate.objects.filter(pk__in=[c.pk for c in new]).update(stage_changed_at=now, **owner)
        StageChange.objects.bulk_create(
            StageChange(
                candidate=candidate,
                from_stage="",
                to_stage=candidate.stage,
                by=user,
                reason=_("Recorded (source: %(source)s)")
                % {"source": candidate.get_source_display()},
            )
            for candidate in new
        )
    for market_id in sorted(rescore):
        recompute_market(market_id=market_id)
    return results
