"""Scorecards: drafts under the candidate's lock, submission, scoring and sheets."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events

from .. import scoring, selectors
from ..choices import (
    BlacklistKind,
    Decision,
    RedFlag,
)
from ..models import (
    Candidate,
    Evaluation,
    EvaluationScore,
)
from .blacklist import blacklist_record_candidate
from .recompute import mark_sheets_stale, recompute_candidate


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
    evaluation.reasons = [dict(reason) for reason in result.reasons]
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
) -> Evaluation:
    """Save (and score) a draft evaluation, or submit a complete one; the evaluation comes
    back with the full scoring it was given as ``evaluation.result`` (fit table, missing
    ratings), so the page answering an autosave need not score it again.

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
        reasons=evaluation.reasons,
    )
    if capacity_changed:
        # The candidate's other (submitted) scorecards are scored against its measures too.
        recompute_candidate(candidate_id=candidate.pk)
    if submit:
        mark_sheets_stale(candidate_id=candidate.pk)
    if submit and evaluation.decision == Decision.REJECT:
        # `reject` is the reputation gate's decision only: the firm is vetoed.
        blacklist_record_candidate(
            candidate_id=candidate.pk,
            kind=BlacklistKind.SCORECARD,
            user=user,
            red_flags=result.red_flags,
            reputation_score=result.criteria.get("reputation"),
        )
    evaluation.result = result
    return evaluation


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
            # The facts behind the decision (dealers.explain.describe puts them in words).
            "reasons": evaluation.reasons,
        },
        territory_path=candidate.market.territory.path,
    )
