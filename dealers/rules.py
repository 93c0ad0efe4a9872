"""The selection method's pipeline rules as pure functions (no database, no HTTP).

The selectors gather the :class:`MoveFacts` of a candidate (``selectors.move_facts`` for
one, ``selectors.move_facts_for`` for a page of them); :func:`move_violations` says which
of the spec's rules 1–5 a stage move breaks (empty: allowed without an override) and
:func:`allowed_moves` answers it for every stage the candidate could go to, which is
what the candidate page, the board, the comparison page and the API offer.

Who may get past a violation (``policies``): rules 1–3 only an HQ admin, with a written
reason; rule 4 nobody; rule 5 is met by a manager's confirmation of the overlap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import scoring
from .choices import ALLOWED_MOVES, PAST_SCREENING, Stage

MIN_QUALIFIED_CANDIDATES = 2
DEFAULT_SURVEY_MIN_COMPLETENESS = 60
DEFAULT_QUALIFIED_WITHIN_DAYS = 90
# The spec's wordings (20-dealers.md rule 4); HQ edits the list (PipelineSettings).
DEFAULT_EXCLUSIVITY_WORDS = (
    "独家",
    "总代",
    "总代理",
    "省总代",
    "区域总代理",
    "唯一经销商",
    "只授权一家",
    "sole distributor",
    "exclusive",
)

# Rules an HQ admin may override with a written reason; rule 4 never, and rule 5 is met
# by a manager confirming the overlap (an HQ admin may also override it).
OVERRIDABLE_RULES = frozenset({1, 2, 3, 5})
RULE_EXCLUSIVITY = 4
RULE_OVERLAP = 5


@dataclass(frozen=True)
class RuleViolation:
    rule: int
    message: str

    @property
    def overridable(self) -> bool:
        return self.rule in OVERRIDABLE_RULES


@dataclass(frozen=True)
class MoveFacts:
    """What the rules need to know about a candidate, its market and its contract."""

    survey_completeness: int | None  # best market survey of the market, % (None: none)
    latest_decision: str | None  # the latest submitted scorecard's decision, if any
    qualified_candidates: int  # of the market, qualified and evaluated recently (rule 3)
    survey_min_completeness: int = DEFAULT_SURVEY_MIN_COMPLETENESS
    qualified_within_days: int = DEFAULT_QUALIFIED_WITHIN_DAYS
    stage: str = Stage.PROSPECT
    has_contract: bool = False
    exclusivity_words: tuple[str, ...] = ()  # wordings found in the contract's texts
    overlapping_dealers: tuple[str, ...] = field(default_factory=tuple)


def _normalise(text: str) -> str:
    # NFKC folds full-width letters (ＥＸＣＬＵＳＩＶＥ) and casefold() the case; runs of
    # whitespace count as one space so "sole  distributor" is still caught.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").casefold())


def exclusivity_matches(texts: Iterable[str], words: Iterable[str]) -> list[str]:
    """The configured wordings found in the texts (case-insensitive), in list order.

    A wording found only inside a longer one also found ("总代" in "区域总代理") is not
    named again: the message names what was actually written."""
    haystack = "\n".join(_normalise(text) for text in texts)
    found: list[str] = []
    for word in words:
        needle = _normalise(word).strip()
        if needle and needle in haystack and word not in found:
            found.append(word)
    return [
        word
        for word in found
        if not any(
            _normalise(word) != _normalise(other) and _normalise(word) in _normalise(other)
            for other in found
        )
    ]


def contract_exclusivity(texts: Mapping[str, str], words: Iterable[str]) -> dict[str, list[str]]:
    """Per contract field, the exclusivity wordings it contains (fields without any left out)."""
    words = tuple(words)
    result = {}
    for name, text in texts.items():
        matches = exclusivity_matches([text], words)
        if matches:
            result[name] = matches
    return result


def exclusivity_message(words: Iterable[str]) -> str:
    return _("Never promise exclusivity in writing (rule 4): remove %(words)s.") % {
        "words": "、".join(f"“{word}”" for word in words)
    }


def move_violations(facts: MoveFacts, to_stage: str) -> list[RuleViolation]:
    violations: list[RuleViolation] = []
    if to_stage in PAST_SCREENING and (
        facts.survey_completeness is None
        or facts.survey_completeness < facts.survey_min_completeness
    ):
        if facts.survey_completeness is None:
            message = _(
                "Know the market first: the market has no market survey yet; one at least "
                "%(min)s%% complete is needed (rule 1)."
            ) % {"min": facts.survey_min_completeness}
        else:
            message = _(
                "Know the market first: the market survey is %(done)s%% complete, at least "
                "%(min)s%% is needed (rule 1)."
            ) % {"done": facts.survey_completeness, "min": facts.survey_min_completeness}
        violations.append(RuleViolation(1, message))
    if to_stage == Stage.SELECTED:
        if facts.latest_decision not in scoring.SELECTABLE_DECISIONS:
            violations.append(
                RuleViolation(
                    2,
                    _(
                        "Selection needs a completed scorecard whose decision is strongly "
                        "recommended, recommended or conditional; never settle for second "
                        "best (rule 2)."
                    ),
                )
            )
        if facts.qualified_candidates < MIN_QUALIFIED_CANDIDATES:
            violations.append(
                RuleViolation(
                    3,
                    _(
                        "Contact at least two qualified candidates in parallel: this market "
                        "has %(n)s candidate(s) strongly recommended, recommended or "
                        "conditional and evaluated within %(days)s days (rule 3)."
                    )
                    % {"n": facts.qualified_candidates, "days": facts.qualified_within_days},
                )
            )
    if to_stage == Stage.SIGNED:
        if not facts.has_contract:
            violations.append(
                RuleViolation(RULE_EXCLUSIVITY, _("Signing needs a contract record (rule 4)."))
            )
        else:
            if facts.exclusivity_words:
                violations.append(
                    RuleViolation(RULE_EXCLUSIVITY, exclusivity_message(facts.exclusivity_words))
                )
            if facts.overlapping_dealers:
                violations.append(
                    RuleViolation(
                        RULE_OVERLAP,
                        _(
                            "Territory and channel overlap with active dealer(s) %(names)s: "
                            "a manager must confirm (rule 5)."
                        )
                        % {"names": ", ".join(facts.overlapping_dealers)},
                    )
                )
    return violations


def allowed_moves(facts: MoveFacts) -> dict[str, list[RuleViolation]]:
    """Every stage the candidate may move to from ``facts.stage``, in pipeline order, with
    the rules that move breaks (empty list: allowed as it is)."""
    reachable = ALLOWED_MOVES[Stage(facts.stage)]
    return {stage: move_violations(facts, stage) for stage in Stage.values if stage in reachable}


ALLOWED = "allowed"  # no rule broken
CONFIRM = "confirm"  # only rule 5 broken and the user may confirm the overlap
OVERRIDE = "override"  # the user may override every broken rule, with a written reason
BLOCKED = "blocked"  # a rule the user cannot get past: shown disabled, with its reasons


@dataclass(frozen=True)
class MoveOption:
    stage: str
    violations: tuple[RuleViolation, ...]
    mode: str

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def reasons(self) -> str:
        return " ".join(violation.message for violation in self.violations)


def move_mode(
    violations: Iterable[RuleViolation], *, can_override: bool, can_confirm_overlap: bool
) -> str:
    """How a user may make a move breaking these rules: rule 4 blocks everyone; rules 1–3
    and 5 give way to an override (HQ, with a reason); rule 5 alone to a manager's
    confirmation of the overlap."""
    rules_broken = {violation.rule for violation in violations}
    if not rules_broken:
        return ALLOWED
    if RULE_EXCLUSIVITY in rules_broken:
        return BLOCKED
    if rules_broken == {RULE_OVERLAP} and can_confirm_overlap:
        return CONFIRM
    if can_override and rules_broken <= OVERRIDABLE_RULES:
        return OVERRIDE
    return BLOCKED


def move_options(
    facts: MoveFacts, *, can_override: bool, can_confirm_overlap: bool
) -> list[MoveOption]:
    """:func:`allowed_moves` as the pages show it to one user (see :func:`move_mode`)."""
    return [
        MoveOption(
            stage,
            tuple(violations),
            move_mode(
                violations, can_override=can_override, can_confirm_overlap=can_confirm_overlap
            ),
        )
        for stage, violations in allowed_moves(facts).items()
    ]
