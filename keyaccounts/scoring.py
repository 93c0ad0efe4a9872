"""Key-account scoring, quadrants, shares, trade spend and delisting flags: pure code.

No ORM import here: everything works on plain values and dataclasses so the rules
are unit-tested without a database and reused by services, the recompute job and
the API alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Marks flag reasons for translation; they are translated where they are shown.
from django.utils.translation import gettext_noop as N_

LEVELS = 5
HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

ATTRACTIVENESS = "attractiveness"
SUPPORTIVENESS = "supportiveness"
AXES = (ATTRACTIVENESS, SUPPORTIVENESS)

# How a criterion's raw measure maps to a level.
HIGHER_IS_BETTER = "higher"  # edges are the lower bounds of levels 2..5
LOWER_IS_BETTER = "lower"  # edges are the upper bounds of levels 5..2 (ascending)
DIRECT_RATING = "rating"  # the measure is the level itself, 1..5

STAR = "star"
QUESTION_MARK = "question_mark"
CASH_COW = "cash_cow"
DOG = "dog"
QUADRANTS = (STAR, QUESTION_MARK, CASH_COW, DOG)

# Default visits per month by quadrant (spec table); visit planning reads these.
DEFAULT_VISITS_PER_MONTH = {STAR: 4, QUESTION_MARK: 4, CASH_COW: 2, DOG: 1}
DEFAULT_THRESHOLD = Decimal(50)


@dataclass(frozen=True)
class Criterion:
    """One weighted criterion of an axis with its band edges (four ascending numbers)."""

    measure: str
    axis: str
    weight: int
    kind: str
    edges: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class CriterionScore:
    measure: str
    level: int | None
    points: Decimal


@dataclass(frozen=True)
class AxisScore:
    score: Decimal
    details: tuple[CriterionScore, ...]


@dataclass(frozen=True)
class Result:
    attractiveness: Decimal
    supportiveness: Decimal
    quadrant: str


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def band_level(kind: str, edges: tuple[Decimal, ...], value) -> int:
    """The level (1 = poor … 5 = excellent) a raw value falls in; edges are inclusive.

    Higher is better: edges (200000, 300000, 400000, 500000) mean < 200000 is level 1
    and ≥ 500000 level 5; a value between integer edges stays in the lower band until it
    reaches the next lower edge (12.5 with edge 13 is level 1).
    Lower is better: edges (30, 40, 50, 60) mean ≤ 30 is level 5 and > 60 level 1;
    40.5 is not ≤ 40, so it is level 3.
    """
    if kind == DIRECT_RATING:
        level = int(_d(value))
        if _d(value) != level or not 1 <= level <= LEVELS:
            raise ValueError("A direct rating must be a whole number from 1 to 5.")
        return level
    if len(edges) != LEVELS - 1:
        raise ValueError("A banded criterion needs four edges.")
    number = _d(value)
    if kind == HIGHER_IS_BETTER:
        return 1 + sum(1 for edge in edges if number >= _d(edge))
    if kind == LOWER_IS_BETTER:
        return 1 + sum(1 for edge in edges if number <= _d(edge))
    raise ValueError(f"Unknown criterion kind {kind!r}.")


def criterion_points(criterion: Criterion, value) -> CriterionScore:
    """Level k earns k/5 of the criterion's weight; a missing measure earns nothing."""
    if value is None:
        return CriterionScore(criterion.measure, None, Decimal(0))
    level = band_level(criterion.kind, criterion.edges, value)
    points = Decimal(criterion.weight) * level / LEVELS
    return CriterionScore(criterion.measure, level, points)


def score_axis(criteria: Iterable[Criterion], measures: Mapping[str, object]) -> AxisScore:
    details = tuple(criterion_points(c, measures.get(c.measure)) for c in criteria)
    total = sum((d.points for d in details), Decimal(0))
    return AxisScore(total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), details)


def quadrant(
    attractiveness,
    supportiveness,
    *,
    threshold_attractiveness=DEFAULT_THRESHOLD,
    threshold_supportiveness=DEFAULT_THRESHOLD,
) -> str:
    """Star / question mark / cash cow / dog; a score equal to the threshold counts as high."""
    high_attractiveness = _d(attractiveness) >= _d(threshold_attractiveness)
    high_support = _d(supportiveness) >= _d(threshold_supportiveness)
    if high_attractiveness:
        return STAR if high_support else QUESTION_MARK
    return CASH_COW if high_support else DOG


def evaluate(
    criteria: Iterable[Criterion],
    measures: Mapping[str, object],
    *,
    threshold_attractiveness=DEFAULT_THRESHOLD,
    threshold_supportiveness=DEFAULT_THRESHOLD,
) -> Result:
    criteria = list(criteria)
    att = score_axis([c for c in criteria if c.axis == ATTRACTIVENESS], measures).score
    sup = score_axis([c for c in criteria if c.axis == SUPPORTIVENESS], measures).score
    return Result(
        att,
        sup,
        quadrant(
            att,
            sup,
            threshold_attractiveness=threshold_attractiveness,
            threshold_supportiveness=threshold_supportiveness,
        ),
    )


def visits_per_month(quadrant_code: str) -> int:
    return DEFAULT_VISITS_PER_MONTH[quadrant_code]


# --- Template validation ----------------------------------------------------------------


def validate_criteria(criteria: Iterable[Criterion]) -> dict[str, str]:
    """Problems with a template's criteria, keyed by axis or measure; empty when valid.

    Each axis's weights must sum to exactly 100; banded criteria need four ascending edges.
    """
    criteria = list(criteria)
    errors: dict[str, str] = {}
    for axis in AXES:
        total = sum(c.weight for c in criteria if c.axis == axis)
        if total != 100:
            errors[axis] = f"The {axis} weights sum to {total}; they must sum to 100."
    seen: set[str] = set()
    for c in criteria:
        if c.measure in seen:
            errors[c.measure] = f"{c.measure} appears twice."
        seen.add(c.measure)
        if c.weight <= 0:
            errors[c.measure] = f"The weight of {c.measure} must be positive."
        elif c.kind != DIRECT_RATING:
            edges = [_d(e) for e in c.edges if e is not None]
            if len(edges) != LEVELS - 1 or any(
                a >= b for a, b in zip(edges, edges[1:], strict=False)
            ):
                errors[c.measure] = f"{c.measure} needs four strictly ascending band edges."
    return errors


def _edges(*values) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(v)) for v in values)


# The spec's default template, exactly (30-key-accounts.md).
DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "annual_turnover",
        ATTRACTIVENESS,
        40,
        HIGHER_IS_BETTER,
        _edges(200000, 300000, 400000, 500000),
    ),
    Criterion("growth_rate", ATTRACTIVENESS, 40, HIGHER_IS_BETTER, _edges(5, 10, 15, 20)),
    Criterion("dso_days", ATTRACTIVENESS, 20, LOWER_IS_BETTER, _edges(30, 40, 50, 60)),
    Criterion("merchandising_share", SUPPORTIVENESS, 30, HIGHER_IS_BETTER, _edges(13, 16, 19, 22)),
    Criterion("activity_share", SUPPORTIVENESS, 30, HIGHER_IS_BETTER, _edges(25, 30, 35, 40)),
    Criterion("skus_carried", SUPPORTIVENESS, 25, HIGHER_IS_BETTER, _edges(11, 14, 17, 20)),
    Criterion("buyer_relationship", SUPPORTIVENESS, 15, DIRECT_RATING),
)


# --- Shares from raw points -------------------------------------------------------------


def share_pct(ours, total) -> Decimal | None:
    """Our points as a % of all points in the category; None when either is missing."""
    if ours is None or total is None or _d(total) <= 0:
        return None
    return (_d(ours) * HUNDRED / _d(total)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- Trade terms ------------------------------------------------------------------------


@dataclass(frozen=True)
class TradeTermsData:
    """One account-year of trade terms (money in ¥, rates in %)."""

    sales: Decimal
    fixed_discount_pct: Decimal = Decimal(0)
    month_end_rebate_pct: Decimal = Decimal(0)
    year_end_rebate_pct: Decimal = Decimal(0)
    other_rebate_pct: Decimal = Decimal(0)
    new_store_sponsorship: Decimal = Decimal(0)
    anniversary_sponsorship: Decimal = Decimal(0)
    listing_fee: Decimal = Decimal(0)
    display_fee_shelf: Decimal = Decimal(0)
    display_fee_floor_stack: Decimal = Decimal(0)
    promotion_cost: Decimal = Decimal(0)
    promotion_our_share_pct: Decimal = HUNDRED
    merchandiser_cost: Decimal = Decimal(0)
    promoter_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class TradeSpend:
    lines: dict[str, Decimal]
    total: Decimal
    pct_of_sales: Decimal | None
    promotion_pct_of_sales: Decimal | None


def _money(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _pct_of(amount: Decimal, sales: Decimal) -> Decimal | None:
    if sales <= 0:
        return None
    return (amount * HUNDRED / sales).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def trade_spend(terms: TradeTermsData) -> TradeSpend:
    """Total trade spend (what the terms cost us) and its % of sales.

    Rates apply to sales; promotions count only the part borne by us; credit limit
    and payment days are terms, not spend.
    """
    sales = _d(terms.sales)
    our_promotion = _d(terms.promotion_cost) * _d(terms.promotion_our_share_pct) / HUNDRED
    lines = {
        "fixed_discount": sales * _d(terms.fixed_discount_pct) / HUNDRED,
        "month_end_rebate": sales * _d(terms.month_end_rebate_pct) / HUNDRED,
        "year_end_rebate": sales * _d(terms.year_end_rebate_pct) / HUNDRED,
        "other_rebate": sales * _d(terms.other_rebate_pct) / HUNDRED,
        "new_store_sponsorship": _d(terms.new_store_sponsorship),
        "anniversary_sponsorship": _d(terms.anniversary_sponsorship),
        "listing_fee": _d(terms.listing_fee),
        "display_fee_shelf": _d(terms.display_fee_shelf),
        "display_fee_floor_stack": _d(terms.display_fee_floor_stack),
        "promotion": our_promotion,
        "merchandisers": _d(terms.merchandiser_cost),
        "promoters": _d(terms.promoter_cost),
    }
    lines = {key: _money(value) for key, value in lines.items()}
    total = sum(lines.values(), Decimal(0))
    return TradeSpend(lines, total, _pct_of(total, sales), _pct_of(_money(our_promotion), sales))


def change_pct(current, previous) -> Decimal | None:
    """Year-over-year change in %; None without a non-zero previous value."""
    if current is None or previous is None or _d(previous) == 0:
        return None
    return ((_d(current) - _d(previous)) * HUNDRED / _d(previous)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


# --- Delisting risk ---------------------------------------------------------------------


@dataclass(frozen=True)
class SkuFacts:
    """What the system holds about one listed SKU at an account."""

    sales_target: Decimal | None = None
    sales_actual: Decimal | None = None
    margin_pct: Decimal | None = None
    margin_pct_previous: Decimal | None = None
    margin_target_pct: Decimal | None = None
    out_of_stock_reports: int = 0
    quality_issues: int = 0
    fits_category_strategy: bool = True
    promotion_supported: bool = True
    order_size_too_large: bool = False


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str
    params: dict = field(default_factory=dict)


OUT_OF_STOCK_LIMIT = 3  # reports in the period before supply counts as inconsistent


def delisting_flags(facts: SkuFacts) -> list[Flag]:
    """Each risk the buyer would raise, with the figures that triggered it."""
    flags: list[Flag] = []
    if facts.sales_target is not None and facts.sales_actual is not None:
        if _d(facts.sales_actual) < _d(facts.sales_target):
            flags.append(
                Flag(
                    "sales_below_target",
                    N_("Sales %(actual)s are below the target %(target)s."),
                    {"actual": facts.sales_actual, "target": facts.sales_target},
                )
            )
    if not facts.fits_category_strategy:
        flags.append(Flag("category_strategy", N_("No longer fits the category strategy."), {}))
    if not facts.promotion_supported:
        flags.append(Flag("promotion_support", N_("Insufficient promotional support."), {}))
    if facts.margin_pct is not None:
        if facts.margin_target_pct is not None and _d(facts.margin_pct) < _d(
            facts.margin_target_pct
        ):
            flags.append(
                Flag(
                    "margin_below_target",
                    N_("Margin %(margin)s%% is below the target %(target)s%%."),
                    {"margin": facts.margin_pct, "target": facts.margin_target_pct},
                )
            )
        if facts.margin_pct_previous is not None and _d(facts.margin_pct) < _d(
            facts.margin_pct_previous
        ):
            flags.append(
                Flag(
                    "margin_declining",
                    N_("Margin fell from %(previous)s%% to %(margin)s%%."),
                    {"margin": facts.margin_pct, "previous": facts.margin_pct_previous},
                )
            )
    if facts.out_of_stock_reports >= OUT_OF_STOCK_LIMIT:
        flags.append(
            Flag(
                "out_of_stock",
                N_("%(count)s out-of-stock reports: delivery or supply is inconsistent."),
                {"count": facts.out_of_stock_reports},
            )
        )
    if facts.quality_issues > 0:
        flags.append(
            Flag(
                "quality",
                N_("%(count)s quality problems reported."),
                {"count": facts.quality_issues},
            )
        )
    if facts.order_size_too_large:
        flags.append(
            Flag("order_size", N_("Order size is too large for the account to digest."), {})
        )
    return flags
