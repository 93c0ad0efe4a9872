"""The selection method's pipeline rules as pure functions (no database, no HTTP).

The service gathers the :class:`MoveFacts` of a candidate (``selectors.move_facts``)
and asks :func:`move_violations` which of the spec's rules 1–5 a stage move breaks;
an empty list means the move is allowed without an override.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import scoring
from .choices import PAST_SCREENING, Stage

MIN_EVALUATED_CANDIDATES = 2


@dataclass(frozen=True)
class RuleViolation:
    rule: int
    message: str


@dataclass(frozen=True)
class MoveFacts:
    market_has_survey: bool
    latest_decision: str | None  # the latest submitted scorecard's decision, if any
    evaluated_candidates: int  # candidates of the market with a submitted scorecard
    has_contract: bool = False
    contract_note: str = ""
    overlapping_dealers: tuple[str, ...] = field(default_factory=tuple)


def move_violations(facts: MoveFacts, to_stage: str) -> list[RuleViolation]:
    violations: list[RuleViolation] = []
    if to_stage in PAST_SCREENING and not facts.market_has_survey:
        violations.append(RuleViolation(1, _("The market has no market survey yet (rule 1).")))
    if to_stage == Stage.SELECTED:
        if facts.latest_decision not in scoring.SELECTABLE_DECISIONS:
            violations.append(
                RuleViolation(
                    2,
                    _(
                        "Selection needs a completed scorecard whose decision is not "
                        "reject or nurture (rule 2)."
                    ),
                )
            )
        if facts.evaluated_candidates < MIN_EVALUATED_CANDIDATES:
            violations.append(
                RuleViolation(
                    3,
                    _(
                        "Fewer than two candidates of this market are evaluated: contact at "
                        "least two qualified candidates in parallel (rule 3)."
                    ),
                )
            )
    if to_stage == Stage.SIGNED:
        if not facts.has_contract:
            violations.append(RuleViolation(4, _("Signing needs a contract record (rule 4).")))
        else:
            if scoring.claims_exclusivity(facts.contract_note):
                violations.append(
                    RuleViolation(
                        4,
                        _(
                            "The contract note claims exclusivity (独家): never promise "
                            "exclusivity in writing (rule 4)."
                        ),
                    )
                )
            if facts.overlapping_dealers:
                violations.append(
                    RuleViolation(
                        5,
                        _(
                            "Territory and channel overlap with active dealer(s) %(names)s: "
                            "a manager must confirm (rule 5)."
                        )
                        % {"names": ", ".join(facts.overlapping_dealers)},
                    )
                )
    return violations
