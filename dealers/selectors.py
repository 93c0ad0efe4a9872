"""Reads for dealer selection, always through the user's scope."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, JSONField, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from markets import selectors as market_selectors
from markets.choices import Channel
from markets.models import Market

from . import explain, policies, rules, scoring
from .choices import ALLOWED_MOVES, BOARD_STAGES, Decision, Stage, TemplateStatus
from .defaults import DEFAULT_TEMPLATE_NAME
from .models import (
    BlacklistMatch,
    Candidate,
    Contract,
    Criterion,
    Dealer,
    Evaluation,
    ObjectionAnswer,
    PipelineSettings,
    RecomputeJob,
    ScorecardTemplate,
    SubItem,
)
from .recompute import MarketRequirement
from .rules import MoveFacts


def candidate_list(*, user) -> QuerySet[Candidate]:
    latest = Evaluation.objects.filter(candidate=OuterRef("pk"), submitted=True).order_by(
        "-created_at", "-id"
    )
    return (
        Candidate.objects.for_user(user)
        .select_related("market", "market__territory", "owner_rep")
        .annotate(
            latest_total=Subquery(latest.values("total")[:1]),
            latest_decision=Subquery(latest.values("decision")[:1]),
            latest_type=Subquery(latest.values("dealer_type")[:1]),
            # The decision's reasons, for the lists' one line (no query per row).
            latest_reasons=Subquery(latest.values("reasons")[:1], output_field=JSONField()),
            blacklisted=Exists(BlacklistMatch.objects.open().filter(candidate=OuterRef("pk"))),
        )
    )


def market_choices(*, user) -> QuerySet[Market]:
    return Market.objects.for_user(user).select_related("territory").order_by("territory__path")


def published_template(name: str = DEFAULT_TEMPLATE_NAME) -> ScorecardTemplate:
    return ScorecardTemplate.objects.get(name=name, status=TemplateStatus.PUBLISHED)


def template_with_items(template_id: int) -> ScorecardTemplate:
    return ScorecardTemplate.objects.prefetch_related(
        Prefetch(
            "criteria",
            queryset=Criterion.objects.order_by("position", "id").prefetch_related(
                Prefetch("subitems", queryset=SubItem.objects.order_by("position", "id"))
            ),
        )
    ).get(pk=template_id)


def template_spec(template: ScorecardTemplate) -> scoring.TemplateSpec:
    """The pure scoring's view of a template version (criteria must be prefetched)."""
    return scoring.TemplateSpec(
        version=template.version,
        criteria=tuple(
            scoring.CriterionSpec(
                criterion.code,
                Decimal(criterion.weight),
                tuple(
                    scoring.SubItemSpec(item.code, Decimal(item.weight), item.red_flag_level)
                    for item in criterion.subitems.all()
                ),
            )
            for criterion in template.criteria.all()
        ),
        thresholds=thresholds_of(template),
    )


def thresholds_of(template: ScorecardTemplate) -> scoring.Thresholds:
    """The gates, bands and fit function a template version carries."""
    return scoring.Thresholds(
        **{
            name: Decimal(getattr(template, name))
            for name in scoring.Thresholds.__dataclass_fields__
        }
    )


def requirement_for(market: Market) -> tuple[scoring.Capacity, bool]:
    """The market plan's required capacity (markets app interface) as scoring input."""
    need = market_selectors.required_capacity(market=market)
    return (
        scoring.Capacity(
            working_capital=need.working_capital,
            warehouse_m2=need.warehouse_m2,
            deliverable_outlets_per_week=need.deliverable_outlets_per_week,
            covered_outlets=need.covered_outlets,
        ),
        need.is_key_city,
    )


def market_requirements(markets) -> list[MarketRequirement]:
    rows = []
    for market in markets:
        need, key_city = requirement_for(market)
        rows.append(
            MarketRequirement(
                market.pk,
                need.working_capital,
                need.warehouse_m2,
                need.deliverable_outlets_per_week,
                need.covered_outlets,
                key_city,
            )
        )
    return rows


def capacity_of(candidate: Candidate) -> scoring.Capacity:
    return scoring.Capacity(
        working_capital=candidate.working_capital,
        warehouse_m2=candidate.warehouse_m2,
        deliverable_outlets_per_week=candidate.deliverable_outlets_per_week,
        covered_outlets=candidate.covered_outlets,
    )


def latest_evaluation(candidate: Candidate, *, submitted: bool = True) -> Evaluation | None:
    evaluations = candidate.evaluations.select_related("template", "evaluator")
    if submitted:
        evaluations = evaluations.filter(submitted=True)
    return evaluations.order_by("-created_at", "-id").first()


def draft_evaluation(candidate: Candidate, *, evaluator) -> Evaluation | None:
    """The evaluator's open draft scorecard of the candidate (a constraint allows one)."""
    if evaluator is None or not evaluator.is_authenticated:
        return None
    return (
        candidate.evaluations.filter(submitted=False, evaluator=evaluator)
        .select_related("template")
        .first()
    )


def score_result(evaluation: Evaluation) -> scoring.Result:
    """Recompute the full result (fit table, sub-item points) for display."""
    template = template_with_items(evaluation.template_id)
    candidate = evaluation.candidate
    need, key_city = requirement_for(candidate.market)
    return scoring.evaluate(
        template=template_spec(template),
        ratings=evaluation.ratings,
        red_flags=[*evaluation.red_flags, *candidate.confirmed_red_flags],
        capacity=capacity_of(candidate),
        requirement=need,
        key_city=key_city,
    )


@dataclass(frozen=True)
class ComparisonRow:
    candidate: Candidate
    evaluation: Evaluation | None
    result: scoring.Result | None


def comparison(*, user, market: Market, template: ScorecardTemplate | None = None):
    """Candidates of one market with their latest submitted scores, best total first."""
    candidates = list(candidate_list(user=user).filter(market=market).order_by("name"))
    latest: dict[int, Evaluation] = {}
    for submitted in (
        Evaluation.objects.filter(candidate__in=candidates, submitted=True)
        .select_related("template")
        .order_by("candidate_id", "-created_at", "-id")
    ):
        latest.setdefault(submitted.candidate_id, submitted)
    need, key_city = requirement_for(market)
    specs: dict[int, scoring.TemplateSpec] = {}
    rows = []
    for candidate in candidates:
        evaluation = latest.get(candidate.pk)
        result = None
        if evaluation is not None:
            if evaluation.template_id not in specs:
                specs[evaluation.template_id] = template_spec(
                    template_with_items(evaluation.template_id)
                )
            result = scoring.evaluate(
                template=specs[evaluation.template_id],
                ratings=evaluation.ratings,
                red_flags=[*evaluation.red_flags, *candidate.confirmed_red_flags],
                capacity=capacity_of(candidate),
                requirement=need,
                key_city=key_city,
            )
        rows.append(ComparisonRow(candidate, evaluation, result))
    rows.sort(key=lambda row: -(row.evaluation.total or 0) if row.evaluation else 1)
    return rows


def board(*, user, market: Market | None = None, region=None) -> list[dict]:
    """Kanban columns: candidates per stage, for one market or one region subtree."""
    candidates = candidate_list(user=user)
    if market is not None:
        candidates = candidates.filter(market=market)
    elif region is not None:
        candidates = candidates.filter(market__territory__path__startswith=region.path)
    by_stage: dict[str, list[Candidate]] = {stage: [] for stage in BOARD_STAGES}
    for candidate in candidates.order_by("market__territory__path", "name")[:500]:
        by_stage[candidate.stage].append(candidate)
    return [
        {"stage": stage, "label": stage.label, "candidates": by_stage[stage]}
        for stage in BOARD_STAGES
    ]


def stage_counts(*, user) -> dict[str, int]:
    return dict(
        Candidate.objects.for_user(user).values_list("stage").annotate(n=Count("id")).order_by()
    )


def active_dealer_pairs() -> list[tuple[Dealer, str, str]]:
    """(dealer, territory path, channel) of every active dealer (rule 5).

    A dealer signed here has its contract's territories and channels. A dealer synced from
    the ERP without a contract here has no known assignment: it counts as serving its whole
    market in every channel, so a new dealer there is shown to the manager to confirm."""
    dealers = (
        Dealer.objects.active()
        .select_related("market__territory", "candidate__contract")
        .prefetch_related("candidate__contract__territories")
    )
    pairs: list[tuple[Dealer, str, str]] = []
    for dealer in dealers:
        contract = getattr(dealer.candidate, "contract", None) if dealer.candidate else None
        if contract is None:
            pairs.extend((dealer, dealer.market.territory.path, ch) for ch in Channel.values)
            continue
        for territory in contract.territories.all():
            for channel in contract.channels:
                pairs.append((dealer, territory.path, channel))
    return pairs


def _overlaps(contract: Contract, existing: list[tuple[Dealer, str, str]]) -> list[tuple]:
    new_pairs = [
        (territory.path, channel)
        for territory in contract.territories.all()
        for channel in contract.channels
    ]
    return scoring.overlapping_pairs(
        new_pairs,
        [row for row in existing if row[0].candidate_id != contract.candidate_id],
    )


def contract_overlaps(contract: Contract) -> list[tuple]:
    """(dealer, its path, the new path, channel) the contract shares with active dealers."""
    return _overlaps(contract, active_dealer_pairs())


def sheet_fingerprint(candidate: Candidate, language: str) -> str:
    """What the sheet shows, condensed: changes when the scores behind it change."""
    evaluation = latest_evaluation(candidate)
    payload = {
        "language": language,
        "evaluation": evaluation.pk if evaluation else None,
        "template": evaluation.template_id if evaluation else None,
        "total": str(evaluation.total) if evaluation else None,
        "criteria": evaluation.criteria_scores if evaluation else None,
        "decision": evaluation.decision if evaluation else None,
        "type": evaluation.dealer_type if evaluation else None,
        "reasons": evaluation.reasons if evaluation else None,
        "updated": evaluation.updated_at.isoformat() if evaluation else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def objection_playbook() -> QuerySet[ObjectionAnswer]:
    return ObjectionAnswer.objects.order_by("id")


def recompute_jobs(*, user) -> QuerySet[RecomputeJob]:
    jobs = RecomputeJob.objects.select_related("template", "market__territory")
    if not user.is_hq:
        jobs = jobs.filter(market__in=Market.objects.for_user(user))
    return jobs[:20]


def market_dealer_channels(*, market: Market) -> set[str]:
    """Channels covered by the market's active dealers (markets' success checklist)."""
    channels: set[str] = set()
    for row in (
        Dealer.objects.active()
        .filter(market=market)
        .values_list("candidate__contract__channels", flat=True)
    ):
        channels.update(row or [])
    return channels


def market_customers(*, user, market: Market) -> list[Candidate]:
    """The market's dealer candidates past the first contact, signed dealers first."""
    order: dict[str, int] = {
        Stage.SIGNED: 0,
        Stage.NEGOTIATING: 1,
        Stage.SELECTED: 2,
        Stage.EVALUATION: 3,
        Stage.SCREENING: 4,
        Stage.NURTURE: 5,
    }
    candidates = (
        candidate_list(user=user)
        .filter(market=market)
        .exclude(stage__in=[Stage.PROSPECT, Stage.REJECTED])
    )
    rows = sorted(candidates, key=lambda c: (order.get(c.stage, 9), c.name))
    # latest_decision/latest_reasons are candidate_list's annotations and decision_label /
    # decision_reason display attributes for the template (the markets app shows them without
    # loading dealers' template tags): none is a model field the stubs know.
    for row in rows:
        row.decision_label = Decision(row.latest_decision).label if row.latest_decision else ""  # type: ignore[attr-defined]
        first = explain.describe(row.latest_reasons[:1]) if row.latest_reasons else []  # type: ignore[attr-defined]
        row.decision_reason = first[0] if first else ""  # type: ignore[attr-defined]
    return rows


def pipeline_settings() -> PipelineSettings:
    """The pipeline rules' settings; the spec's defaults until HQ saves them."""
    return PipelineSettings.objects.filter(pk=PipelineSettings.SINGLETON_ID).first() or (
        PipelineSettings(pk=PipelineSettings.SINGLETON_ID)
    )


def exclusivity_words() -> tuple[str, ...]:
    return tuple(pipeline_settings().exclusivity_words)


def latest_decisions(candidate_ids: Iterable[int]) -> dict[int, str]:
    """The decision of each candidate's latest submitted scorecard (none: absent)."""
    return dict(
        Evaluation.objects.filter(candidate_id__in=list(candidate_ids), submitted=True)
        .order_by("candidate_id", "-created_at", "-id")
        .distinct("candidate_id")
        .values_list("candidate_id", "decision")
    )


def qualified_counts(market_ids: Iterable[int], *, within_days: int) -> dict[int, int]:
    """Per market, the candidates whose latest submitted scorecard is qualified (strongly
    recommended, recommended, conditional) and was made within the last days (rule 3)."""
    latest = Evaluation.objects.filter(candidate=OuterRef("pk"), submitted=True).order_by(
        "-created_at", "-id"
    )
    since = timezone.now() - datetime.timedelta(days=within_days)
    return dict(
        Candidate.objects.filter(market_id__in=list(market_ids))
        .annotate(
            last_decision=Subquery(latest.values("decision")[:1]),
            last_evaluated=Subquery(latest.values("created_at")[:1]),
        )
        .filter(last_decision__in=scoring.SELECTABLE_DECISIONS, last_evaluated__gte=since)
        .values_list("market_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def move_facts_for(candidates: Iterable[Candidate]) -> dict[int, MoveFacts]:
    """What the pipeline rules (``rules.allowed_moves``) need about each candidate, in a
    fixed number of queries whatever the number of candidates (board, comparison)."""
    candidates = list(candidates)
    if not candidates:
        return {}
    settings = pipeline_settings()
    market_ids = {candidate.market_id for candidate in candidates}
    surveys = market_selectors.survey_completeness(market_ids=market_ids)
    decisions = latest_decisions(candidate.pk for candidate in candidates)
    qualified = qualified_counts(market_ids, within_days=settings.qualified_within_days)
    # Only a negotiating candidate can be signed: only its contract matters (rules 4, 5).
    signing = [c.pk for c in candidates if Stage.SIGNED in ALLOWED_MOVES[Stage(c.stage)]]
    contracts = {
        contract.candidate_id: contract
        for contract in Contract.objects.filter(candidate_id__in=signing).prefetch_related(
            "territories"
        )
    }
    existing = active_dealer_pairs() if contracts else []
    words = tuple(settings.exclusivity_words)
    facts = {}
    for candidate in candidates:
        contract = contracts.get(candidate.pk)
        facts[candidate.pk] = MoveFacts(
            stage=candidate.stage,
            survey_completeness=surveys.get(candidate.market_id),
            survey_min_completeness=settings.survey_min_completeness,
            latest_decision=decisions.get(candidate.pk),
            qualified_candidates=qualified.get(candidate.market_id, 0),
            qualified_within_days=settings.qualified_within_days,
            has_contract=contract is not None,
            exclusivity_words=tuple(
                rules.exclusivity_matches(contract_texts(contract).values(), words)
            )
            if contract
            else (),
            overlapping_dealers=tuple(
                sorted({str(row[0]) for row in _overlaps(contract, existing)})
            )
            if contract
            else (),
        )
    return facts


def move_facts(candidate: Candidate) -> MoveFacts:
    """What the pipeline rules need to judge a move of one candidate."""
    return move_facts_for([candidate])[candidate.pk]


def contract_texts(contract: Contract) -> dict[str, str]:
    return {name: getattr(contract, name) or "" for name in Contract.TEXT_FIELDS}


@dataclass(frozen=True)
class BlacklistFlag:
    """A blacklist match as a user may see it (see ``blacklist_flags``)."""

    match: BlacklistMatch
    show_evidence: bool
    # The vetoed candidate's page, only when it lies in the user's own scope.
    source_in_scope: bool


def blacklist_matches() -> QuerySet[BlacklistMatch]:
    """Matches with what their display needs (the entry, its market, who cleared)."""
    return BlacklistMatch.objects.select_related("entry__market__territory", "cleared_by").order_by(
        "-status", "-created_at", "-id"
    )  # "open" sorts after "cleared"


def blacklist_flags(*, user, candidate: Candidate) -> list[BlacklistFlag]:
    """The blacklist matches of a candidate the user can see, open ones first.

    Evidence from another territory is shown as copied at the veto (firm, market name,
    date, kind, red flags, the reason given); managers and HQ see it, reps the flag,
    market and date. The vetoed candidate's own page is linked only within the user's
    scope.
    """
    matches = list(blacklist_matches().filter(candidate=candidate))
    if not matches:
        return []
    sources = {m.entry.candidate_id for m in matches if m.entry.candidate_id is not None}
    visible = set(
        Candidate.objects.for_user(user).filter(pk__in=sources).values_list("pk", flat=True)
    )
    evidence = policies.can_see_blacklist_evidence(user)
    return [
        BlacklistFlag(match, evidence, match.entry.candidate_id in visible) for match in matches
    ]
