"""The six-criteria scorecard as pure functions: levels, fit to need, gates, bands, type.

No ORM import: everything here works on plain values and dataclasses and is unit-tested
without a database. ``dealers.recompute`` expresses the same rules in SQL for bulk
recomputation; a test checks both agree on the same data.

Rounding (shared with the SQL): fit points are rounded to 2 decimals, criterion scores and
the total to 1 decimal, half away from zero. Gates and bands compare the rounded values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# --- Codes (the spec's tables) -----------------------------------------------------------

LEVEL_POINTS: dict[int, int] = {1: 20, 2: 40, 3: 60, 4: 80, 5: 100}

RED_FLAGS = ("price_dumping", "diversion", "withholding_payments")

REJECT = "reject"
NURTURE = "nurture"
INSUFFICIENT = "insufficient"
OVERSIZED = "oversized"
STRONGLY_RECOMMENDED = "strongly_recommended"
RECOMMENDED = "recommended"
CONDITIONAL = "conditional"
NOT_RECOMMENDED = "not_recommended"
DECISIONS = (
    REJECT,
    NURTURE,
    INSUFFICIENT,
    OVERSIZED,
    STRONGLY_RECOMMENDED,
    RECOMMENDED,
    CONDITIONAL,
    NOT_RECOMMENDED,
)
# Decisions that let a candidate be selected for negotiation (pipeline rule 2) and that
# count as a qualified candidate (rule 3): never settle for second best.
SELECTABLE_DECISIONS = frozenset({STRONGLY_RECOMMENDED, RECOMMENDED, CONDITIONAL})

TYPE_1 = "type1"  # strong network, strong capital
TYPE_2 = "type2"  # capital, no network yet
TYPE_3 = "type3"  # no capital, modern ideas
TYPE_4 = "type4"  # none of these
TYPE_UNKNOWN = "unknown"

REPUTATION = "reputation"
WILLINGNESS = "willingness"
STRENGTH = "strength"
MARKETING = "marketing"

REPUTATION_VETO_BELOW = Decimal(40)
WILLINGNESS_GATE_BELOW = Decimal(60)
STRENGTH_GATE_BELOW = Decimal(60)
BAND_STRONG = Decimal(80)
BAND_RECOMMENDED = Decimal(65)
BAND_CONDITIONAL = Decimal(50)
OVERSIZED_MEAN_RATIO = Decimal(3)
TYPE_3_MARKETING = Decimal(80)

# Quantified strength sub-items and the capacity measure each compares.
MEASURE_BY_SUBITEM: dict[str, str] = {
    "finance": "working_capital",
    "warehouse": "warehouse_m2",
    "transport": "deliverable_outlets_per_week",
    "network": "covered_outlets",
}
MEASURES = tuple(MEASURE_BY_SUBITEM.values())

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
HUNDRED = Decimal(100)


def round1(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


# --- Inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubItemSpec:
    code: str
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    weight: Decimal
    subitems: tuple[SubItemSpec, ...]


@dataclass(frozen=True)
class TemplateSpec:
    """One version of a scorecard template, as the scoring needs it."""

    criteria: tuple[CriterionSpec, ...]
    version: int = 1

    @property
    def subitem_codes(self) -> list[str]:
        return [item.code for criterion in self.criteria for item in criterion.subitems]


@dataclass(frozen=True)
class Capacity:
    """Measures of a dealer, or requirements of a market (None = unknown / no requirement)."""

    working_capital: Decimal | None = None
    warehouse_m2: Decimal | None = None
    deliverable_outlets_per_week: Decimal | int | None = None  # counts come as int
    covered_outlets: Decimal | int | None = None

    def get(self, measure: str) -> Decimal | None:
        value = getattr(self, measure)
        return None if value is None else Decimal(value)


@dataclass(frozen=True)
class FitRow:
    """One line of the strength-fit table."""

    subitem: str
    measure: str
    capacity: Decimal | None
    requirement: Decimal | None
    ratio: Decimal | None
    points: Decimal | None  # None when scored by rating instead


@dataclass(frozen=True)
class Result:
    criteria: dict[str, Decimal | None]
    total: Decimal | None
    decision: str | None  # None = incomplete (ratings missing and no red flag)
    dealer_type: str
    oversized: bool
    mean_ratio: Decimal | None
    fit_rows: tuple[FitRow, ...]
    subitem_points: dict[str, Decimal | None] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()


# --- Building blocks ----------------------------------------------------------------------


def level_points(level: int | None) -> Decimal | None:
    """Points for a 1–5 rating; None for no rating or a value off the scale."""
    if level is None or isinstance(level, bool) or level not in LEVEL_POINTS:
        return None
    return Decimal(LEVEL_POINTS[level])


def ratio(capacity: Decimal | None, requirement: Decimal | None) -> Decimal | None:
    """Dealer's capacity / requirement; None when either is unknown or nothing is required."""
    if capacity is None or requirement is None or requirement <= 0:
        return None
    return Decimal(capacity) / Decimal(requirement)


def fit_points(capacity: Decimal, requirement: Decimal, *, key_city: bool) -> Decimal:
    """Strength as fit to need: under-capacity scales down, surplus costs points (not in key
    cities, where big is wanted). Computed from the two amounts so SQL can match exactly."""
    capacity, requirement = Decimal(capacity), Decimal(requirement)
    if capacity < requirement:
        return round2(HUNDRED * capacity / requirement)
    if capacity <= 2 * requirement or key_city:
        return HUNDRED
    # max(60, 100 − 20·(r − 2)) = max(60, 140 − 20·r)
    return max(Decimal(60), round2(Decimal(140) - Decimal(20) * capacity / requirement))


def fit(r: Decimal, *, key_city: bool = False) -> Decimal:
    """The spec's fit(r) for a ratio (for display and tests)."""
    return fit_points(Decimal(r), Decimal(1), key_city=key_city)


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """Weighted mean of the known values (weights of unknown values drop out), 1 decimal."""
    numerator = Decimal(0)
    denominator = Decimal(0)
    for weight, value in pairs:
        if value is None:
            continue
        numerator += Decimal(weight) * value
        denominator += Decimal(weight)
    if denominator == 0:
        return None
    return round1(numerator / denominator)


def band(total: Decimal) -> str:
    if total >= BAND_STRONG:
        return STRONGLY_RECOMMENDED
    if total >= BAND_RECOMMENDED:
        return RECOMMENDED
    if total >= BAND_CONDITIONAL:
        return CONDITIONAL
    return NOT_RECOMMENDED


def decide(
    *, criteria: Mapping[str, Decimal | None], total: Decimal | None, red_flags: Iterable[str]
) -> str | None:
    """The gates in the spec's fixed order, then the band of the total.

    A red flag rejects even an incomplete evaluation; otherwise missing scores give None.
    """
    if any(True for _ in red_flags):
        return REJECT
    reputation = criteria.get(REPUTATION)
    if reputation is not None and reputation < REPUTATION_VETO_BELOW:
        return REJECT
    if total is None or any(score is None for score in criteria.values()):
        return None
    willingness = criteria.get(WILLINGNESS)
    if willingness is not None and willingness < WILLINGNESS_GATE_BELOW:
        return NURTURE
    strength = criteria.get(STRENGTH)
    if strength is not None and strength < STRENGTH_GATE_BELOW:
        return INSUFFICIENT
    return band(total)


def dealer_type(
    *, capital_ratio: Decimal | None, network_ratio: Decimal | None, marketing: Decimal | None
) -> str:
    """Type 1–4 from the capital and network ratios and marketing awareness; never guessed."""
    if capital_ratio is None or network_ratio is None:
        return TYPE_UNKNOWN
    if capital_ratio >= 1:
        return TYPE_1 if network_ratio >= 1 else TYPE_2
    if marketing is None:
        return TYPE_UNKNOWN
    return TYPE_3 if marketing >= TYPE_3_MARKETING else TYPE_4


def missing_ratings(
    template: TemplateSpec,
    ratings: Mapping[str, int],
    capacity: Capacity,
    requirement: Capacity,
) -> list[str]:
    """Sub-item codes that need a rating: every one not scored by the fit function."""
    fitted = fitted_subitems(capacity, requirement)
    return [
        code
        for code in template.subitem_codes
        if code not in fitted and level_points(ratings.get(code)) is None
    ]


def fitted_subitems(capacity: Capacity, requirement: Capacity) -> set[str]:
    """Quantified sub-items with both a requirement and a known capacity."""
    return {
        code
        for code, measure in MEASURE_BY_SUBITEM.items()
        if ratio(capacity.get(measure), requirement.get(measure)) is not None
    }


# --- The whole evaluation -----------------------------------------------------------------


def evaluate(
    *,
    template: TemplateSpec,
    ratings: Mapping[str, int],
    red_flags: Iterable[str] = (),
    capacity: Capacity = Capacity(),
    requirement: Capacity = Capacity(),
    key_city: bool = False,
) -> Result:
    """Score one evaluation: criterion scores, total, decision, type, oversized warning."""
    flags = tuple(sorted(set(red_flags)))
    fit_rows: list[FitRow] = []
    ratios: dict[str, Decimal] = {}
    for code, measure in MEASURE_BY_SUBITEM.items():
        have, need = capacity.get(measure), requirement.get(measure)
        r = ratio(have, need)
        points = (
            fit_points(have, need, key_city=key_city)
            if r is not None and have is not None and need is not None  # r implies both
            else None
        )
        if r is not None:
            ratios[code] = r
        fit_rows.append(FitRow(code, measure, have, need, r, points))
    fitted = {row.subitem: row.points for row in fit_rows if row.points is not None}

    subitem_points: dict[str, Decimal | None] = {}
    criteria: dict[str, Decimal | None] = {}
    missing: list[str] = []
    for criterion in template.criteria:
        pairs = []
        incomplete = False
        for item in criterion.subitems:
            points = fitted.get(item.code)
            if points is None:
                points = level_points(ratings.get(item.code))
            if points is None:
                missing.append(item.code)
                incomplete = True
            subitem_points[item.code] = points
            pairs.append((item.weight, points))
        # A criterion with an unrated sub-item has no score (never a partial one).
        criteria[criterion.code] = None if incomplete else weighted_mean(pairs)

    total = None
    if criteria and all(score is not None for score in criteria.values()):
        weight_sum = sum((Decimal(c.weight) for c in template.criteria), Decimal(0))
        if weight_sum > 0:
            scores = {code: score for code, score in criteria.items() if score is not None}
            total = round1(
                sum(Decimal(c.weight) * scores[c.code] for c in template.criteria) / weight_sum
            )
    decision = decide(criteria=criteria, total=total, red_flags=flags)

    mean_ratio = sum(ratios.values(), Decimal(0)) / len(ratios) if ratios else None
    return Result(
        criteria=criteria,
        total=total,
        decision=decision,
        dealer_type=dealer_type(
            capital_ratio=ratios.get("finance"),
            network_ratio=ratios.get("network"),
            marketing=criteria.get(MARKETING),
        ),
        oversized=mean_ratio is not None and mean_ratio > OVERSIZED_MEAN_RATIO,
        mean_ratio=mean_ratio,
        fit_rows=tuple(fit_rows),
        subitem_points=subitem_points,
        missing=tuple(missing),
        red_flags=flags,
    )


# --- Templates, ROI, overlap ---------------------------------------------------------------


def criterion_weights_error(weights: Iterable[Decimal]) -> str | None:
    """Why a set of criterion weights is unacceptable, or None (they must sum to 100)."""
    weights = [Decimal(w) for w in weights]
    if not weights:
        return "A template needs at least one criterion."
    if any(w <= 0 for w in weights):
        return "Every criterion weight must be positive."
    if sum(weights) != HUNDRED:
        return f"Criterion weights sum to {sum(weights)}, not 100."
    return None


@dataclass(frozen=True)
class RoiRow:
    month: int
    cumulative_profit: Decimal


@dataclass(frozen=True)
class Roi:
    monthly_gross_margin: Decimal
    monthly_profit: Decimal
    payback_months: Decimal | None  # None = never pays back
    rows: tuple[RoiRow, ...]


def dealer_roi(
    *,
    monthly_volume: Decimal,
    unit_margin: Decimal,
    monthly_costs: Decimal,
    initial_investment: Decimal,
    months: int = 12,
) -> Roi:
    """What a dealer earns with our line: volume × unit margin − its costs, and payback."""
    gross = Decimal(monthly_volume) * Decimal(unit_margin)
    profit = gross - Decimal(monthly_costs)
    payback = None
    if profit > 0:
        payback = round1(Decimal(initial_investment) / profit)
    rows = tuple(
        RoiRow(month, profit * month - Decimal(initial_investment))
        for month in range(1, months + 1)
    )
    return Roi(gross, profit, payback, rows)


def paths_overlap(a: str, b: str) -> bool:
    """Two territories overlap when one is the other or lies below it (materialised paths)."""
    return a.startswith(b) or b.startswith(a)


def overlapping_pairs(
    new_pairs: Iterable[tuple[str, str]], existing: Iterable[tuple[object, str, str]]
) -> list[tuple[object, str, str, str]]:
    """(dealer, existing path, new path, channel) for every shared channel on overlapping
    territory. new_pairs are (territory path, channel); existing (dealer, path, channel)."""
    new_pairs = list(new_pairs)
    found = []
    for dealer, path, channel in existing:
        for new_path, new_channel in new_pairs:
            if channel == new_channel and paths_overlap(path, new_path):
                found.append((dealer, path, new_path, channel))
    return found
