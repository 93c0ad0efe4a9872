"""What makes a scorecard template version acceptable, as pure functions (no ORM).

The template editor (``services.template_draft_save``) and publishing
(``services.template_publish``) check a version with :func:`draft_errors`. Errors are
keyed by where they belong, so a form can show each one next to its field:

- ``"band_strong"`` etc. for the version's gates, bands and fit parameters;
- ``"criteria"`` for the criteria as a whole (weights not summing to 100);
- ``"criteria.2.code"`` for a field of the third criterion;
- ``"criteria.2.subitems.0.weight"`` for a field of its first sub-item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from . import scoring

HUNDRED = Decimal(100)

# Fields of a version that are scores on the 0–100 scale.
SCORE_FIELDS = (
    "reputation_veto_below",
    "willingness_gate_below",
    "strength_gate_below",
    "band_strong",
    "band_recommended",
    "band_conditional",
    "fit_floor",
)
SETTINGS_FIELDS = (*SCORE_FIELDS, "fit_plateau_end", "fit_slope", "oversized_warning_ratio")

# Criterion codes the gates look for (dealers.scoring); without one, its gate never applies.
GATE_CRITERIA = (scoring.REPUTATION, scoring.WILLINGNESS, scoring.STRENGTH)


@dataclass(frozen=True)
class TemplateSettings:
    """A version's gates, band edges and strength-fit parameters."""

    reputation_veto_below: Decimal
    willingness_gate_below: Decimal
    strength_gate_below: Decimal
    band_strong: Decimal
    band_recommended: Decimal
    band_conditional: Decimal
    fit_plateau_end: Decimal
    fit_slope: Decimal
    fit_floor: Decimal
    oversized_warning_ratio: Decimal


@dataclass(frozen=True)
class SubItemDraft:
    code: str
    name: str
    weight: Decimal
    name_en: str = ""
    position: int = 0
    level_1: str = ""
    level_3: str = ""
    level_5: str = ""
    red_flag_level: int | None = None  # a rating at or below it is a red flag; None = never
    id: int | None = None  # None = a new sub-item


@dataclass(frozen=True)
class CriterionDraft:
    code: str
    name: str
    weight: Decimal
    name_en: str = ""
    position: int = 0
    subitems: tuple[SubItemDraft, ...] = field(default_factory=tuple)
    id: int | None = None  # None = a new criterion


def draft_errors(
    *, settings: TemplateSettings, criteria: Sequence[CriterionDraft]
) -> dict[str, list[str]]:
    """Every reason the version cannot be saved, keyed by location (empty = acceptable)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for name in SCORE_FIELDS:
        value = getattr(settings, name)
        if not Decimal(0) <= value <= HUNDRED:
            add(name, _("Must be between 0 and 100."))
    if settings.band_recommended <= settings.band_conditional:
        add(
            "band_recommended",
            _("Must be above the conditional band edge (%(edge)s).")
            % {"edge": _number(settings.band_conditional)},
        )
    if settings.band_strong <= settings.band_recommended:
        add(
            "band_strong",
            _("Must be above the recommended band edge (%(edge)s).")
            % {"edge": _number(settings.band_recommended)},
        )
    if settings.fit_plateau_end < 1:
        add("fit_plateau_end", _("Full fit must last at least up to a ratio of 1."))
    if settings.fit_slope < 0:
        add("fit_slope", _("Must not be negative."))
    if settings.oversized_warning_ratio < 1:
        add("oversized_warning_ratio", _("Must be a ratio of 1 or more."))

    weights = [criterion.weight for criterion in criteria]
    if scoring.criterion_weights_error(weights):
        if not criteria:
            add("criteria", _("A template needs at least one criterion."))
        elif all(weight > 0 for weight in weights):
            add(
                "criteria",
                _("Criterion weights sum to %(sum)s, not 100.")
                % {"sum": _number(sum(weights, Decimal(0)))},
            )
    for i, criterion in enumerate(criteria):
        if criterion.weight <= 0:
            add(f"criteria.{i}.weight", _("The weight must be positive."))
    for i in _duplicates([criterion.code for criterion in criteria]):
        add(f"criteria.{i}.code", _("Another criterion has this code."))

    # Ratings are keyed by sub-item code alone, so codes are unique in the whole version.
    subitems = [
        (i, j, item)
        for i, criterion in enumerate(criteria)
        for j, item in enumerate(criterion.subitems)
    ]
    duplicate = set(_duplicates([item.code for _i, _j, item in subitems]))
    for n, (i, j, item) in enumerate(subitems):
        if n in duplicate:
            add(f"criteria.{i}.subitems.{j}.code", _("Another sub-item has this code."))
        if item.weight <= 0:
            add(f"criteria.{i}.subitems.{j}.weight", _("The weight must be positive."))
    return errors


def publish_problems(criteria: Sequence[CriterionDraft]) -> list[str]:
    """What a savable draft still lacks before it can score evaluations."""
    empty = [criterion.code for criterion in criteria if not criterion.subitems]
    if empty:
        return [
            _("Every criterion needs at least one sub-item: %(codes)s.")
            % {"codes": ", ".join(empty)}
        ]
    return []


def gate_warnings(criteria: Sequence[CriterionDraft]) -> list[str]:
    """Gates that would silently stop applying because their criterion code is gone."""
    codes = {criterion.code for criterion in criteria}
    return [
        _("No criterion has the code “%(code)s”: its gate will never apply.") % {"code": code}
        for code in GATE_CRITERIA
        if code not in codes
    ]


def _duplicates(codes: Sequence[str]) -> list[int]:
    """Positions of codes that occur more than once."""
    counts = Counter(codes)
    return [n for n, code in enumerate(codes) if counts[code] > 1]


def _number(value: Decimal) -> str:
    """65.0 → "65", 99.50 → "99.5" (never "1.1E+2")."""
    return f"{Decimal(value).normalize():f}"
