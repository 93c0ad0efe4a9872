"""The pure scoring rules: every band edge, weights, the threshold rule and each quadrant."""

from decimal import Decimal

import pytest

from keyaccounts import scoring
from keyaccounts.scoring import (
    DEFAULT_CRITERIA,
    DIRECT_RATING,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    Criterion,
    band_level,
    evaluate,
    quadrant,
    validate_criteria,
)

CRITERIA = {c.measure: c for c in DEFAULT_CRITERIA}


def level(measure: str, value) -> int:
    criterion = CRITERIA[measure]
    return band_level(criterion.kind, criterion.edges, Decimal(str(value)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 1),
        (199999, 1),
        ("199999.99", 1),
        (200000, 2),
        (299999, 2),
        (300000, 3),
        (399999, 3),
        (400000, 4),
        (499999, 4),
        ("499999.99", 4),
        (500000, 5),
        (9000000, 5),
    ],
)
def test_annual_turnover_bands(value, expected):
    assert level("annual_turnover", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-3, 1),
        (4, 1),
        ("4.9", 1),
        (5, 2),
        (9, 2),
        ("9.5", 2),
        (10, 3),
        (14, 3),
        (15, 4),
        (19, 4),
        ("19.99", 4),
        (20, 5),
        (80, 5),
    ],
)
def test_growth_rate_bands(value, expected):
    assert level("growth_rate", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 5),
        (30, 5),
        ("30.5", 4),
        (31, 4),
        (40, 4),
        ("40.5", 3),
        (41, 3),
        (50, 3),
        (51, 2),
        (60, 2),
        ("60.1", 1),
        (61, 1),
        (120, 1),
    ],
)
def test_dso_bands_lower_is_better(value, expected):
    assert level("dso_days", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 1),
        (12, 1),
        ("12.5", 1),  # the spec's example: between integer edges stays in the lower band
        (13, 2),
        (15, 2),
        ("15.9", 2),
        (16, 3),
        (18, 3),
        (19, 4),
        (21, 4),
        (22, 5),
        (100, 5),
    ],
)
def test_merchandising_share_bands(value, expected):
    assert level("merchandising_share", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(24, 1), ("24.9", 1), (25, 2), (29, 2), (30, 3), (34, 3), (35, 4), (39, 4), (40, 5)],
)
def test_activity_share_bands(value, expected):
    assert level("activity_share", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (10, 1), (11, 2), (13, 2), (14, 3), (16, 3), (17, 4), (19, 4), (20, 5), (60, 5)],
)
def test_skus_carried_bands(value, expected):
    assert level("skus_carried", value) == expected


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_buyer_relationship_is_rated_directly(rating):
    assert level("buyer_relationship", rating) == rating


@pytest.mark.parametrize("rating", [0, 6, "2.5"])
def test_buyer_relationship_outside_1_to_5_is_refused(rating):
    with pytest.raises(ValueError, match="1 to 5"):
        level("buyer_relationship", rating)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown"):
        band_level("sideways", (1, 2, 3, 4), 3)


def test_level_k_earns_k_fifths_of_the_weight():
    criterion = Criterion(
        "skus_carried", scoring.SUPPORTIVENESS, 25, HIGHER_IS_BETTER, CRITERIA["skus_carried"].edges
    )

    assert [scoring.criterion_points(criterion, v).points for v in (5, 11, 14, 17, 20)] == [
        Decimal(5),
        Decimal(10),
        Decimal(15),
        Decimal(20),
        Decimal(25),
    ]


def test_missing_measure_earns_nothing():
    assert scoring.criterion_points(CRITERIA["growth_rate"], None).points == Decimal(0)


def measures(**overrides):
    base = {
        "annual_turnover": Decimal(500000),
        "growth_rate": Decimal(20),
        "dso_days": 30,
        "merchandising_share": Decimal(22),
        "activity_share": Decimal(40),
        "skus_carried": 20,
        "buyer_relationship": 5,
    }
    return base | overrides


def test_all_excellent_scores_100_on_both_axes():
    result = evaluate(DEFAULT_CRITERIA, measures())

    assert (result.attractiveness, result.supportiveness, result.quadrant) == (
        Decimal("100.00"),
        Decimal("100.00"),
        "star",
    )


def test_all_poor_scores_20_on_both_axes():
    result = evaluate(
        DEFAULT_CRITERIA,
        measures(
            annual_turnover=Decimal(1),
            growth_rate=Decimal(0),
            dso_days=90,
            merchandising_share=Decimal(1),
            activity_share=Decimal(1),
            skus_carried=1,
            buyer_relationship=1,
        ),
    )

    assert (result.attractiveness, result.supportiveness, result.quadrant) == (
        Decimal("20.00"),
        Decimal("20.00"),
        "dog",
    )


def test_weighted_mix_of_levels():
    # turnover level 3 (24), growth level 2 (16), DSO level 4 (16) = 56
    # merch level 1 (6), activity level 3 (18), SKUs level 2 (10), buyer 4 (12) = 46
    result = evaluate(
        DEFAULT_CRITERIA,
        measures(
            annual_turnover=Decimal(350000),
            growth_rate=Decimal(7),
            dso_days=35,
            merchandising_share=Decimal("12.5"),
            activity_share=Decimal(30),
            skus_carried=12,
            buyer_relationship=4,
        ),
    )

    assert (result.attractiveness, result.supportiveness, result.quadrant) == (
        Decimal("56.00"),
        Decimal("46.00"),
        "question_mark",
    )


@pytest.mark.parametrize(
    ("attractiveness", "supportiveness", "expected"),
    [
        (80, 80, "star"),
        (80, 20, "question_mark"),
        (20, 80, "cash_cow"),
        (20, 20, "dog"),
        (50, 50, "star"),  # equal to the threshold counts as high
        (50, "49.99", "question_mark"),
        ("49.99", 50, "cash_cow"),
        ("49.99", "49.99", "dog"),
    ],
)
def test_quadrants_with_default_threshold(attractiveness, supportiveness, expected):
    assert quadrant(Decimal(str(attractiveness)), Decimal(str(supportiveness))) == expected


def test_threshold_is_configurable():
    assert (
        quadrant(
            Decimal(55),
            Decimal(55),
            threshold_attractiveness=Decimal(60),
            threshold_supportiveness=Decimal(55),
        )
        == "cash_cow"
    )


@pytest.mark.parametrize(
    ("code", "visits"), [("star", 4), ("question_mark", 4), ("cash_cow", 2), ("dog", 1)]
)
def test_default_visit_frequency_by_quadrant(code, visits):
    assert scoring.visits_per_month(code) == visits


def test_default_template_is_the_spec_table():
    assert [
        (c.measure, c.axis, c.weight, c.kind, tuple(int(e) for e in c.edges))
        for c in DEFAULT_CRITERIA
    ] == [
        (
            "annual_turnover",
            "attractiveness",
            40,
            HIGHER_IS_BETTER,
            (200000, 300000, 400000, 500000),
        ),
        ("growth_rate", "attractiveness", 40, HIGHER_IS_BETTER, (5, 10, 15, 20)),
        ("dso_days", "attractiveness", 20, LOWER_IS_BETTER, (30, 40, 50, 60)),
        ("merchandising_share", "supportiveness", 30, HIGHER_IS_BETTER, (13, 16, 19, 22)),
        ("activity_share", "supportiveness", 30, HIGHER_IS_BETTER, (25, 30, 35, 40)),
        ("skus_carried", "supportiveness", 25, HIGHER_IS_BETTER, (11, 14, 17, 20)),
        ("buyer_relationship", "supportiveness", 15, DIRECT_RATING, ()),
    ]


def test_default_template_is_valid():
    assert validate_criteria(DEFAULT_CRITERIA) == {}


def test_weights_not_summing_to_100_are_refused():
    criteria = [
        c if c.measure != "growth_rate" else Criterion("growth_rate", c.axis, 35, c.kind, c.edges)
        for c in DEFAULT_CRITERIA
    ]

    assert list(validate_criteria(criteria)) == ["attractiveness"]


def test_descending_edges_are_refused():
    criteria = [
        c
        if c.measure != "dso_days"
        else Criterion("dso_days", c.axis, 20, c.kind, tuple(reversed(c.edges)))
        for c in DEFAULT_CRITERIA
    ]

    assert list(validate_criteria(criteria)) == ["dso_days"]


def test_added_criterion_keeps_axis_valid_when_weights_rebalanced():
    criteria = [
        Criterion(
            "annual_turnover",
            "attractiveness",
            30,
            HIGHER_IS_BETTER,
            CRITERIA["annual_turnover"].edges,
        ),
        Criterion(
            "growth_rate", "attractiveness", 30, HIGHER_IS_BETTER, CRITERIA["growth_rate"].edges
        ),
        Criterion("dso_days", "attractiveness", 20, LOWER_IS_BETTER, CRITERIA["dso_days"].edges),
        Criterion(
            "profitability",
            "attractiveness",
            20,
            HIGHER_IS_BETTER,
            tuple(Decimal(v) for v in (2, 4, 6, 8)),
        ),
        *[c for c in DEFAULT_CRITERIA if c.axis == "supportiveness"],
    ]

    assert validate_criteria(criteria) == {}


@pytest.mark.parametrize(
    ("ours", "total", "expected"),
    [
        (15, 100, Decimal("15.00")),
        (1, 8, Decimal("12.50")),
        (0, 10, Decimal("0.00")),
        (5, 0, None),
        (None, 10, None),
        (5, None, None),
    ],
)
def test_share_from_points(ours, total, expected):
    assert scoring.share_pct(ours, total) == expected


def test_trade_spend_totals_every_line_and_percent_of_sales():
    terms = scoring.TradeTermsData(
        sales=Decimal(1000000),
        fixed_discount_pct=Decimal(2),
        month_end_rebate_pct=Decimal(1),
        year_end_rebate_pct=Decimal("1.5"),
        other_rebate_pct=Decimal("0.5"),
        new_store_sponsorship=Decimal(5000),
        anniversary_sponsorship=Decimal(3000),
        listing_fee=Decimal(10000),
        display_fee_shelf=Decimal(6000),
        display_fee_floor_stack=Decimal(4000),
        promotion_cost=Decimal(20000),
        promotion_our_share_pct=Decimal(60),
        merchandiser_cost=Decimal(12000),
        promoter_cost=Decimal(8000),
    )

    spend = scoring.trade_spend(terms)

    # 20000 + 10000 + 15000 + 5000 + 5000 + 3000 + 10000 + 6000 + 4000 + 12000 + 12000 + 8000
    assert spend.total == Decimal("110000.00")
    assert spend.pct_of_sales == Decimal("11.00")
    assert spend.lines["promotion"] == Decimal("12000.00")
    assert spend.promotion_pct_of_sales == Decimal("1.20")


def test_trade_spend_without_sales_has_no_percentage():
    spend = scoring.trade_spend(scoring.TradeTermsData(sales=Decimal(0), listing_fee=Decimal(100)))

    assert (spend.total, spend.pct_of_sales) == (Decimal("100.00"), None)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(110, 100, Decimal("10.00")), (90, 100, Decimal("-10.00")), (5, 0, None), (5, None, None)],
)
def test_year_over_year_change(current, previous, expected):
    assert scoring.change_pct(current, previous) == expected


def test_sku_with_healthy_data_has_no_flags():
    facts = scoring.SkuFacts(
        sales_target=Decimal(100),
        sales_actual=Decimal(100),
        margin_pct=Decimal(20),
        margin_pct_previous=Decimal(20),
        margin_target_pct=Decimal(18),
        out_of_stock_reports=2,
    )

    assert scoring.delisting_flags(facts) == []


@pytest.mark.parametrize(
    ("facts", "code", "params"),
    [
        (
            scoring.SkuFacts(sales_target=Decimal(100), sales_actual=Decimal(99)),
            "sales_below_target",
            {"actual": Decimal(99), "target": Decimal(100)},
        ),
        (scoring.SkuFacts(fits_category_strategy=False), "category_strategy", {}),
        (scoring.SkuFacts(promotion_supported=False), "promotion_support", {}),
        (
            scoring.SkuFacts(margin_pct=Decimal(15), margin_target_pct=Decimal(18)),
            "margin_below_target",
            {"margin": Decimal(15), "target": Decimal(18)},
        ),
        (
            scoring.SkuFacts(margin_pct=Decimal(15), margin_pct_previous=Decimal(17)),
            "margin_declining",
            {"margin": Decimal(15), "previous": Decimal(17)},
        ),
        (scoring.SkuFacts(out_of_stock_reports=3), "out_of_stock", {"count": 3}),
        (scoring.SkuFacts(quality_issues=1), "quality", {"count": 1}),
        (scoring.SkuFacts(order_size_too_large=True), "order_size", {}),
    ],
)
def test_each_delisting_flag_explains_itself(facts, code, params):
    flags = scoring.delisting_flags(facts)

    assert [(f.code, f.params) for f in flags] == [(code, params)]
