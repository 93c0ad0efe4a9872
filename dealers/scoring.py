"""The six-criteria scorecard as pure functions: levels, fit to need, gates, bands, type.

No ORM import: everything here works on plain values and dataclasses and is unit-tested
without a database. ``dealers.recompute`` expresses the same rules in SQL for bulk
recomputation; a test checks both agree on the same data.

Rounding (shared with the SQL): fit points are rounded to 2 decimals, criterion scores and
the total to 1 decimal, half away from zero. Gates and bands compare the rounded values.
The mean ratio is compared with 1 (strength gate) and with the oversized warning ratio
exactly, as fractions; reasons show it rounded to 1 decimal.

Thresholds (gates, bands, the fit function) belong to the template version
(``Thresholds``); every decision carries its reasons (``Result.reasons``), JSON-ready
facts that ``dealers.explain.describe`` puts into words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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

TYPE_3_MARKETING = Decimal(80)

# Which gate decided (Result.reasons[i]["gate"]) and the reason codes.
GATE_REPUTATION = "reputation"
GATE_WILLINGNESS = "willingness"
GATE_STRENGTH = "strength"
GATE_BAND = "band"
RED_FLAG = "red_flag"  # a red flag ticked on the scorecard or confirmed on the candidate
RATING_RED_FLAG = "rating_red_flag"  # a rating at or below the sub-item's red-flag level
REPUTATION_BELOW = "reputation_below"
WILLINGNESS_BELOW = "willingness_below"

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
class Thresholds:
    """Gates, bands and the fit function of one template version (defaults: the spec's
    second version; ``THRESHOLDS_V1`` is the first)."""

    reputation_veto_below: Decimal = Decimal(40)
    willingness_gate_below: Decimal = Decimal(60)
    strength_gate_below: Decimal = Decimal(60)
    band_strong: Decimal = Decimal(80)
    band_recommended: Decimal = Decimal(65)
    band_conditional: Decimal = Decimal(50)
    # fit(r) = 100 for 1 ≤ r ≤ plateau end, then max(floor, 100 − slope·(r − plateau end))
    fit_plateau_end: Decimal = Decimal("1.5")
    fit_slope: Decimal = Decimal(20)
    fit_floor: Decimal = Decimal(20)
    oversized_warning_ratio: Decimal = Decimal(3)

    @property
    def fit_top(self) -> Decimal:
        """100 + slope·plateau end: above the plateau fit = max(floor, top − slope·r)."""
        return HUNDRED + self.fit_slope * self.fit_plateau_end


THRESHOLDS_V1 = replace(Thresholds(), fit_plateau_end=Decimal(2), fit_floor=Decimal(60))


@dataclass(frozen=True)
class SubItemSpec:
    code: str
    weight: Decimal = Decimal(1)
    # A rating at or below this level is a red flag (reputation veto); None = never.
    red_flag_level: int | None = None


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
    thresholds: Thresholds = Thresholds()

    @property
    def subitem_codes(self) -> list[str]:
        return [item.code for criterion in self.criteria for item in criterion.subitems]

    @property
    def red_flag_subitems(self) -> list[SubItemSpec]:
        """Sub-items whose low rating is a red flag, in template order."""
        return [
            item
            for criterion in self.criteria
            for item in criterion.subitems
            if item.red_flag_level is not None
        ]


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


# One fact behind a decision, JSON-ready: {"gate": ..., "code": ..., <facts>}. Decimals
# are strings ("48.0"), levels integers. The shapes, by gate:
#   reputation: {"code": "red_flag", "flag": "diversion"}
#               {"code": "rating_red_flag", "subitem": "previous_partner", "level": 1}
#               {"code": "reputation_below", "score": "26.7", "threshold": "40.0"}
#   willingness: {"code": "willingness_below", "score": "55.0", "threshold": "60.0"}
#   strength: {"code": "insufficient" | "oversized", "strength": "48.0",
#              "threshold": "60.0", "mean_ratio": "10.0" | None}
#   band: {"code": <decision>, "total": "85.0", "band_from": "80.0"}
#         {"code": "not_recommended", "total": "42.0", "band_below": "50.0"}
Reason = dict[str, str | int | None]


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
    # Sub-items whose rating is a red flag (e.g. previous_partner = 1), in template order.
    rating_red_flags: tuple[str, ...] = ()
    # The gate that decided and its facts, in order; empty while there is no decision.
    reasons: tuple[Reason, ...] = ()
    thresholds: Thresholds = Thresholds()


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


def fit_points(
    capacity: Decimal,
    requirement: Decimal,
    *,
    key_city: bool,
    thresholds: Thresholds = Thresholds(),
) -> Decimal:
    """Strength as fit to need: under-capacity scales down, surplus beyond the plateau costs
    points (not in key cities, where big is wanted). Computed from the two amounts so SQL
    can match exactly."""
    capacity, requirement = Decimal(capacity), Decimal(requirement)
    if capacity < requirement:
        return round2(HUNDRED * capacity / requirement)
    if key_city or capacity <= thresholds.fit_plateau_end * requirement:
        return HUNDRED
    # max(floor, 100 − slope·(r − plateau)) = max(floor, top − slope·capacity / requirement)
    return max(
        Decimal(thresholds.fit_floor),
        round2(thresholds.fit_top - thresholds.fit_slope * capacity / requirement),
    )


def fit(r: Decimal, *, key_city: bool = False, thresholds: Thresholds = Thresholds()) -> Decimal:
    """The spec's fit(r) for a ratio (for display and tests)."""
    return fit_points(Decimal(r), Decimal(1), key_city=key_city, thresholds=thresholds)


def mean_ratio_above(pairs: Iterable[tuple[Decimal, Decimal]], bound: Decimal) -> bool:
    """Whether the mean of capacity / requirement over `pairs` exceeds `bound`, exactly
    (fractions; the SQL compares the cross-multiplied sums). False without pairs."""
    ratios = [Fraction(Decimal(have)) / Fraction(Decimal(need)) for have, need in pairs]
    return bool(ratios) and sum(ratios, Fraction(0)) > len(ratios) * Fraction(Decimal(bound))


def mean_ratio_1(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """The mean of capacity / requirement rounded half up to 1 decimal, exactly (as the
    SQL does with an integer division); None without pairs."""
    ratios = [Fraction(Decimal(have)) / Fraction(Decimal(need)) for have, need in pairs]
    if not ratios:
        return None
    tenths = math.floor(sum(ratios, Fraction(0)) / len(ratios) * 10 + Fraction(1, 2))
    return round1(Decimal(tenths) / 10)


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


def band(total: Decimal, thresholds: Thresholds = Thresholds()) -> str:
    if total >= thresholds.band_strong:
        return STRONGLY_RECOMMENDED
    if total >= thresholds.band_recommended:
        return RECOMMENDED
    if total >= thresholds.band_conditional:
        return CONDITIONAL
    return NOT_RECOMMENDED


def text1(value: Decimal) -> str:
    """A score or threshold as reasons store it: 1 decimal ("40.0")."""
    return str(round1(Decimal(value)))


def judge(
    *,
    criteria: Mapping[str, Decimal | None],
    total: Decimal | None,
    red_flags: Iterable[str] = (),
    rating_red_flags: Iterable[tuple[str, int]] = (),
    mean_ratio: Decimal | None = None,
    oversized_side: bool = False,
    thresholds: Thresholds = Thresholds(),
) -> tuple[str | None, tuple[Reason, ...]]:
    """The gates in the spec's fixed order, then the band of the total: the decision and
    the facts of the gate that decided.

    A red flag (ticked, confirmed, or a rating at a sub-item's red-flag level, given as
    (sub-item, level)) rejects even an incomplete evaluation; otherwise missing scores give
    None and no reasons. `oversized_side` says the mean ratio is above 1 (the strength gate
    then gives `oversized`, else `insufficient`); `mean_ratio` is only shown.
    """
    t = thresholds
    reputation = criteria.get(REPUTATION)
    vetoes: list[Reason] = [
        {"gate": GATE_REPUTATION, "code": RED_FLAG, "flag": flag} for flag in red_flags
    ]
    vetoes += [
        {"gate": GATE_REPUTATION, "code": RATING_RED_FLAG, "subitem": code, "level": level}
        for code, level in rating_red_flags
    ]
    if reputation is not None and reputation < t.reputation_veto_below:
        vetoes.append(
            {
                "gate": GATE_REPUTATION,
                "code": REPUTATION_BELOW,
                "score": text1(reputation),
                "threshold": text1(t.reputation_veto_below),
            }
        )
    if vetoes:
        return REJECT, tuple(vetoes)
    if total is None or any(score is None for score in criteria.values()):
        return None, ()
    willingness = criteria.get(WILLINGNESS)
    if willingness is not None and willingness < t.willingness_gate_below:
        return NURTURE, (
            {
                "gate": GATE_WILLINGNESS,
                "code": WILLINGNESS_BELOW,
                "score": text1(willingness),
                "threshold": text1(t.willingness_gate_below),
            },
        )
    strength = criteria.get(STRENGTH)
    if strength is not None and strength < t.strength_gate_below:
        decision = OVERSIZED if oversized_side else INSUFFICIENT
        return decision, (
            {
                "gate": GATE_STRENGTH,
                "code": decision,
                "strength": text1(strength),
                "threshold": text1(t.strength_gate_below),
                "mean_ratio": None if mean_ratio is None else text1(mean_ratio),
            },
        )
    decision = band(total, t)
    if decision == NOT_RECOMMENDED:
        facts: Reason = {"band_below": text1(t.band_conditional)}
    else:
        lower = {
            STRONGLY_RECOMMENDED: t.band_strong,
            RECOMMENDED: t.band_recommended,
            CONDITIONAL: t.band_conditional,
        }[decision]
        facts = {"band_from": text1(lower)}
    return decision, ({"gate": GATE_BAND, "code": decision, "total": text1(total), **facts},)


def decide(
    *,
    criteria: Mapping[str, Decimal | None],
    total: Decimal | None,
    red_flags: Iterable[str],
    thresholds: Thresholds = Thresholds(),
) -> str | None:
    """The decision alone (see ``judge``), for callers without ratios or ratings."""
    return judge(criteria=criteria, total=total, red_flags=red_flags, thresholds=thresholds)[0]


def rating_red_flags(template: TemplateSpec, ratings: Mapping[str, int]) -> list[tuple[str, int]]:
    """(sub-item, level) for every rating at or below its sub-item's red-flag level."""
    found = []
    for item in template.red_flag_subitems:
        level = ratings.get(item.code)
        if level_points(level) is not None and item.red_flag_level is not None:
            assert level is not None  # level_points rejects None
            if level <= item.red_flag_level:
                found.append((item.code, level))
    return found


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
    thresholds = template.thresholds
    fit_rows: list[FitRow] = []
    ratios: dict[str, Decimal] = {}
    amounts: list[tuple[Decimal, Decimal]] = []
    for code, measure in MEASURE_BY_SUBITEM.items():
        have, need = capacity.get(measure), requirement.get(measure)
        r = ratio(have, need)
        points = None
        if r is not None and have is not None and need is not None:  # r implies both
            points = fit_points(have, need, key_city=key_city, thresholds=thresholds)
            ratios[code] = r
            amounts.append((have, need))
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
    mean_ratio = sum(ratios.values(), Decimal(0)) / len(ratios) if ratios else None
    by_rating = rating_red_flags(template, ratings)
    decision, reasons = judge(
        criteria=criteria,
        total=total,
        red_flags=flags,
        rating_red_flags=by_rating,
        mean_ratio=mean_ratio_1(amounts),
        oversized_side=mean_ratio_above(amounts, Decimal(1)),
        thresholds=thresholds,
    )
    return Result(
        criteria=criteria,
        total=total,
        decision=decision,
        dealer_type=dealer_type(
            capital_ratio=ratios.get("finance"),
            network_ratio=ratios.get("network"),
            marketing=criteria.get(MARKETING),
        ),
        oversized=mean_ratio_above(amounts, thresholds.oversized_warning_ratio),
        mean_ratio=mean_ratio,
        fit_rows=tuple(fit_rows),
        subitem_points=subitem_points,
        missing=tuple(missing),
        red_flags=flags,
        rating_red_flags=tuple(code for code, _level in by_rating),
        reasons=reasons,
        thresholds=thresholds,
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


# What the ROI table assumes until the rep enters the candidate's own figures: the
# dealer's money at risk is the first order plus its own launch costs (staff, vehicle,
# first promotions), not its whole working capital.
ROI_DEFAULT_FIRST_ORDER = Decimal(30000)
ROI_DEFAULT_LAUNCH_COSTS = Decimal(10000)


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
