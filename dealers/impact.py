"""What publishing a draft template version would change, computed before publishing.

A read: nothing is written. The evaluations concerned are the ones the business looks
at — each candidate's latest submitted evaluation — where that evaluation was scored
by the currently published version of the draft's template. Each is re-scored with the
draft's ``TemplateSpec`` by the same code that scores a submission
(``selectors.template_spec`` + ``scoring.evaluate``), so gates, bands and fit
parameters the spec carries count in the preview exactly as they will after publishing.
"From" is the decision stored on the evaluation now, i.e. what people see today.

Cost, and why it runs in the request: one row per *candidate*, not per evaluation ever
made; rows stream from one query (server-side cursor, chunks of 2,000) with their
candidate, market and market plan joined, so the query count does not grow with the
rows and memory stays flat. Scoring takes about 0.15–0.3 ms a row in Python: 5,000
candidates (a national network of hundreds of markets with a handful of candidates
each) preview in about a second. The recompute benchmark's million evaluations is a
stress target for the set-based SQL, not a candidate count this page meets; should
candidates reach the hundreds of thousands, run :func:`publish_impact` from a Celery
task and store its result (it takes an id and returns plain data for that reason).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Subquery
from django.utils.translation import gettext as _

from . import scoring, selectors
from .choices import Decision, TemplateStatus
from .models import Evaluation, ScorecardTemplate

CHUNK = 2_000
INCOMPLETE = ""  # an evaluation the draft cannot score (a sub-item it adds is unrated)


def decision_label(code: str) -> str:
    if code in Decision.values:
        return str(Decision(code).label)
    return _("Incomplete") if code == INCOMPLETE else code


@dataclass(frozen=True)
class Change:
    """`count` evaluations whose decision would go from `before` to `after`."""

    before: str
    after: str
    count: int

    @property
    def before_label(self) -> str:
        return decision_label(self.before)

    @property
    def after_label(self) -> str:
        return decision_label(self.after)


@dataclass(frozen=True)
class MarketImpact:
    market_id: int
    market: str
    evaluations: int
    changes: tuple[Change, ...]

    @property
    def changed(self) -> int:
        return sum(change.count for change in self.changes)


@dataclass(frozen=True)
class Impact:
    published: ScorecardTemplate | None  # the version the evaluations were scored with
    evaluations: int
    changes: tuple[Change, ...]  # totals over all markets
    markets: tuple[MarketImpact, ...]  # only markets with a change, in territory order

    @property
    def changed(self) -> int:
        return sum(change.count for change in self.changes)


def publish_impact(*, draft_id: int) -> Impact:
    """Decision changes (from → to, per market and in total) publishing the draft would make."""
    draft = selectors.template_with_items(draft_id)
    spec = selectors.template_spec(draft)
    published = ScorecardTemplate.objects.filter(
        name=draft.name, status=TemplateStatus.PUBLISHED
    ).first()
    if published is None:
        return Impact(None, 0, (), ())
    latest = (
        Evaluation.objects.filter(submitted=True)
        .order_by("candidate_id", "-created_at", "-id")
        .distinct("candidate_id")
        .values("pk")
    )
    rows = (
        Evaluation.objects.filter(pk__in=Subquery(latest), template_id=published.pk)
        .select_related("candidate__market__territory", "candidate__market__plan")
        .order_by()
    )
    needs: dict[int, tuple[scoring.Capacity, bool]] = {}
    names: dict[int, tuple[str, str]] = {}
    counted: Counter[int] = Counter()
    moves: Counter[tuple[int, str, str]] = Counter()
    for evaluation in rows.iterator(chunk_size=CHUNK):
        candidate = evaluation.candidate
        market = candidate.market
        if market.pk not in needs:
            needs[market.pk] = selectors.requirement_for(market)
            names[market.pk] = (market.territory.path, market.territory.name)
        need, key_city = needs[market.pk]
        result = scoring.evaluate(
            template=spec,
            ratings=evaluation.ratings,
            red_flags=[*evaluation.red_flags, *candidate.confirmed_red_flags],
            capacity=selectors.capacity_of(candidate),
            requirement=need,
            key_city=key_city,
        )
        counted[market.pk] += 1
        after = result.decision or INCOMPLETE
        if after != evaluation.decision:
            moves[(market.pk, evaluation.decision, after)] += 1
    return summarise(published=published, counted=counted, moves=moves, names=names)


def summarise(
    *,
    published: ScorecardTemplate | None,
    counted: Counter[int],
    moves: Counter[tuple[int, str, str]],
    names: dict[int, tuple[str, str]],
) -> Impact:
    """Counts per market and in total, largest moves first (ties in decision order)."""
    rank = {decision: n for n, decision in enumerate((*scoring.DECISIONS, INCOMPLETE))}

    def ordered(counts: Counter[tuple[str, str]]) -> tuple[Change, ...]:
        return tuple(
            Change(before, after, count)
            for (before, after), count in sorted(
                counts.items(),
                key=lambda pair: (-pair[1], rank.get(pair[0][0], 99), rank.get(pair[0][1], 99)),
            )
        )

    totals: Counter[tuple[str, str]] = Counter()
    per_market: dict[int, Counter[tuple[str, str]]] = {}
    for (market_id, before, after), count in moves.items():
        totals[(before, after)] += count
        per_market.setdefault(market_id, Counter())[(before, after)] += count
    markets = tuple(
        MarketImpact(market_id, names[market_id][1], counted[market_id], ordered(counts))
        for market_id, counts in sorted(per_market.items(), key=lambda pair: names[pair[0]][0])
    )
    return Impact(published, sum(counted.values()), ordered(totals), markets)
