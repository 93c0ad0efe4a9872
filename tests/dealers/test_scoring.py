"""The pure scorecard rules: no database."""

from decimal import Decimal as D

import pytest

from dealers import scoring
from dealers.defaults import DEFAULT_CRITERIA
from dealers.scoring import Capacity, CriterionSpec, SubItemSpec, TemplateSpec

DEFAULT = TemplateSpec(
    criteria=tuple(
        CriterionSpec(code, D(weight), tuple(SubItemSpec(item[0]) for item in items))
        for code, _name, _en, weight, items in DEFAULT_CRITERIA
    )
)
ALL_CODES = DEFAULT.subitem_codes


def ratings(level=4, **overrides):
    values = dict.fromkeys(ALL_CODES, level)
    values.update(overrides)
    return values


def criterion_ratings(criterion: str, level: int) -> dict[str, int]:
    codes = next(items for code, *_rest, items in DEFAULT_CRITERIA if code == criterion)
    return {item[0]: level for item in codes}


# --- levels ------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "points"), [(1, 20), (2, 40), (3, 60), (4, 80), (5, 100)])
def test_level_points(level, points):
    assert scoring.level_points(level) == D(points)


@pytest.mark.parametrize("level", [0, 6, -1, None, True])
def test_level_points_off_scale_is_none(level):
    assert scoring.level_points(level) is None


# --- fit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        ("0", "0"),
        ("0.5", "50.00"),
        ("0.999", "99.90"),
        ("1", "100"),
        ("1.5", "100"),
        ("2", "100"),
        ("2.5", "90.00"),
        ("3", "80.00"),
        ("4", "60"),
        ("5", "60"),
        ("100", "60"),
    ],
)
def test_fit_branches(r, expected):
    assert scoring.fit(D(r)) == D(expected)


@pytest.mark.parametrize("r", ["2.5", "3", "4", "50"])
def test_fit_key_city_upper_branch_is_flat(r):
    assert scoring.fit(D(r), key_city=True) == D(100)


def test_fit_key_city_under_capacity_still_scales():
    assert scoring.fit(D("0.4"), key_city=True) == D("40.00")


def test_fit_points_rounds_to_two_decimals():
    assert scoring.fit_points(D(1), D(3), key_city=False) == D("33.33")


@pytest.mark.parametrize(
    ("capacity", "requirement"), [(None, D(10)), (D(10), None), (D(10), D(0)), (None, None)]
)
def test_ratio_unknown(capacity, requirement):
    assert scoring.ratio(capacity, requirement) is None


# --- criterion and total -------------------------------------------------------------------


def test_all_fours_give_eighty_everywhere():
    result = scoring.evaluate(template=DEFAULT, ratings=ratings(4))
    assert result.criteria == dict.fromkeys(
        ["willingness", "reputation", "marketing", "market", "management", "strength"], D("80.0")
    )
    assert result.total == D("80.0")
    assert result.decision == scoring.STRONGLY_RECOMMENDED


def test_criterion_is_weighted_mean_of_subitems():
    template = TemplateSpec(
        criteria=(CriterionSpec("a", D(100), (SubItemSpec("x", D(3)), SubItemSpec("y", D(1)))),)
    )
    result = scoring.evaluate(template=template, ratings={"x": 5, "y": 1})
    assert result.criteria == {"a": D("80.0")}  # (3*100 + 1*20) / 4


def test_total_is_weighted_sum_of_criteria():
    values = ratings(3, **criterion_ratings("willingness", 5))
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    # 25*100 + 75*60 = 7000 / 100
    assert result.total == D("70.0")


def test_scores_round_half_up_to_one_decimal():
    template = TemplateSpec(
        criteria=(
            CriterionSpec("a", D(100), (SubItemSpec("x"), SubItemSpec("y"), SubItemSpec("z"))),
        )
    )
    result = scoring.evaluate(template=template, ratings={"x": 5, "y": 5, "z": 4})
    assert result.criteria["a"] == D("93.3")


# --- gates in fixed order ------------------------------------------------------------------


@pytest.mark.parametrize("flag", scoring.RED_FLAGS)
def test_gate1_red_flag_rejects_whatever_the_total(flag):
    result = scoring.evaluate(template=DEFAULT, ratings=ratings(5), red_flags=[flag])
    assert (result.total, result.decision) == (D("100.0"), scoring.REJECT)


def test_gate1_reputation_below_40_rejects():
    values = ratings(5, trade_opinion=1, previous_partner=1, payment_record=2)
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert result.criteria["reputation"] == D("26.7")
    assert result.decision == scoring.REJECT


def test_gate1_reputation_at_40_passes():
    values = ratings(5, **criterion_ratings("reputation", 2))
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert result.criteria["reputation"] == D("40.0")
    assert result.decision != scoring.REJECT


def test_gate1_before_gate2():
    values = ratings(5, **criterion_ratings("reputation", 1), **criterion_ratings("willingness", 1))
    assert scoring.evaluate(template=DEFAULT, ratings=values).decision == scoring.REJECT


def test_gate2_willingness_below_60_nurtures():
    values = ratings(5, brand_interest=2, commitment=3, cost_sharing=3, responsiveness=3)
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert result.criteria["willingness"] == D("55.0")
    assert result.decision == scoring.NURTURE


def test_gate2_willingness_at_60_passes():
    values = ratings(5, **criterion_ratings("willingness", 3))
    assert (
        scoring.evaluate(template=DEFAULT, ratings=values).decision == scoring.STRONGLY_RECOMMENDED
    )


def test_gate2_before_gate3():
    values = ratings(5, **criterion_ratings("willingness", 2), **criterion_ratings("strength", 1))
    assert scoring.evaluate(template=DEFAULT, ratings=values).decision == scoring.NURTURE


def test_gate3_strength_below_60_is_insufficient():
    values = ratings(5, **criterion_ratings("strength", 2))
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert (result.total, result.decision) == (D("94.0"), scoring.INSUFFICIENT)


@pytest.mark.parametrize(
    ("total", "decision"),
    [
        ("100", scoring.STRONGLY_RECOMMENDED),
        ("80.0", scoring.STRONGLY_RECOMMENDED),
        ("79.9", scoring.RECOMMENDED),
        ("65.0", scoring.RECOMMENDED),
        ("64.9", scoring.CONDITIONAL),
        ("50.0", scoring.CONDITIONAL),
        ("49.9", scoring.NOT_RECOMMENDED),
        ("0", scoring.NOT_RECOMMENDED),
    ],
)
def test_band_edges(total, decision):
    assert scoring.band(D(total)) == decision


def test_gate4_band_applies_after_gates():
    values = ratings(3)
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert (result.total, result.decision) == (D("60.0"), scoring.CONDITIONAL)


def test_not_recommended_needs_gates_passed_but_low_total():
    values = ratings(
        1,
        **criterion_ratings("reputation", 3),
        **criterion_ratings("willingness", 3),
        **criterion_ratings("strength", 3),
    )
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    # 25*60 + 20*60 + 10*60 + 45*20 = 4200 / 100
    assert (result.total, result.decision) == (D("42.0"), scoring.NOT_RECOMMENDED)


# --- strength as fit to need ---------------------------------------------------------------


def test_fitted_subitems_replace_ratings():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(working_capital=D(100000), warehouse_m2=D(300)),
        requirement=Capacity(working_capital=D(200000), warehouse_m2=D(100)),
    )
    assert result.subitem_points["finance"] == D("50.00")
    assert result.subitem_points["warehouse"] == D("80.00")  # r = 3
    # stores 80, warehouse 80, transport 80, network 80, finance 50 -> 74
    assert result.criteria["strength"] == D("74.0")


def test_key_city_surplus_is_not_penalised():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(warehouse_m2=D(1000)),
        requirement=Capacity(warehouse_m2=D(100)),
        key_city=True,
    )
    assert result.subitem_points["warehouse"] == D(100)


def test_no_requirement_uses_the_rating():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4, warehouse=2),
        capacity=Capacity(warehouse_m2=D(1000)),
        requirement=Capacity(),
    )
    assert result.subitem_points["warehouse"] == D(40)


def test_requirement_with_unknown_capacity_uses_the_rating():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4, finance=1),
        capacity=Capacity(),
        requirement=Capacity(working_capital=D(200000)),
    )
    assert result.subitem_points["finance"] == D(20)


def test_missing_rating_of_a_fitted_subitem_is_fine():
    values = ratings(4)
    del values["finance"]
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=values,
        capacity=Capacity(working_capital=D(200000)),
        requirement=Capacity(working_capital=D(200000)),
    )
    assert (result.missing, result.subitem_points["finance"]) == ((), D(100))


def test_oversized_when_mean_ratio_above_three():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(working_capital=D(700000), warehouse_m2=D(250)),
        requirement=Capacity(working_capital=D(200000), warehouse_m2=D(100)),
    )
    assert (result.mean_ratio, result.oversized) == (D("3"), False)  # (3.5 + 2.5) / 2
    bigger = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(working_capital=D(700000), warehouse_m2=D(260)),
        requirement=Capacity(working_capital=D(200000), warehouse_m2=D(100)),
    )
    assert bigger.oversized is True


def test_not_oversized_without_quantified_measures():
    result = scoring.evaluate(template=DEFAULT, ratings=ratings(4))
    assert (result.mean_ratio, result.oversized) == (None, False)


def test_fit_table_lists_all_four_measures():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(covered_outlets=D(150)),
        requirement=Capacity(covered_outlets=D(100)),
    )
    rows = {row.subitem: (row.ratio, row.points) for row in result.fit_rows}
    assert rows == {
        "finance": (None, None),
        "warehouse": (None, None),
        "transport": (None, None),
        "network": (D("1.5"), D(100)),
    }


# --- dealer type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capital", "network", "marketing", "expected"),
    [
        ("1", "1", "0", scoring.TYPE_1),
        ("2", "0.5", "0", scoring.TYPE_2),
        ("0.9", "5", "80", scoring.TYPE_3),
        ("0.9", "0.1", "79.9", scoring.TYPE_4),
        (None, "1", "90", scoring.TYPE_UNKNOWN),
        ("1", None, "90", scoring.TYPE_UNKNOWN),
        ("0.5", "1", None, scoring.TYPE_UNKNOWN),
    ],
)
def test_dealer_type(capital, network, marketing, expected):
    assert (
        scoring.dealer_type(
            capital_ratio=D(capital) if capital else None,
            network_ratio=D(network) if network else None,
            marketing=D(marketing) if marketing else None,
        )
        == expected
    )


def test_dealer_type_from_evaluation():
    result = scoring.evaluate(
        template=DEFAULT,
        ratings=ratings(4),
        capacity=Capacity(working_capital=D(300000), covered_outlets=D(20)),
        requirement=Capacity(working_capital=D(200000), covered_outlets=D(100)),
    )
    assert result.dealer_type == scoring.TYPE_2


# --- missing data -----------------------------------------------------------------------------


def test_missing_ratings_listed_in_template_order():
    values = ratings(4)
    del values["payment_record"]
    del values["brand_interest"]
    assert scoring.missing_ratings(DEFAULT, values, Capacity(), Capacity()) == [
        "brand_interest",
        "payment_record",
    ]


def test_missing_rating_leaves_criterion_total_and_decision_empty():
    values = ratings(4)
    del values["coverage"]
    result = scoring.evaluate(template=DEFAULT, ratings=values)
    assert (result.criteria["market"], result.total, result.decision, result.missing) == (
        None,
        None,
        None,
        ("coverage",),
    )


def test_red_flag_rejects_even_when_incomplete():
    result = scoring.evaluate(template=DEFAULT, ratings={}, red_flags=["diversion"])
    assert result.decision == scoring.REJECT


def test_off_scale_rating_counts_as_missing():
    result = scoring.evaluate(template=DEFAULT, ratings=ratings(4, people=7))
    assert result.missing == ("people",)


# --- templates, ROI, overlap, exclusivity ----------------------------------------------------


def test_default_weights_sum_to_100():
    assert scoring.criterion_weights_error([c.weight for c in DEFAULT.criteria]) is None


@pytest.mark.parametrize("weights", [[50, 49], [60, 41], [], [100, 0]])
def test_bad_weights_refused(weights):
    assert scoring.criterion_weights_error([D(w) for w in weights]) is not None


def test_roi_and_payback():
    roi = scoring.dealer_roi(
        monthly_volume=D(1000),
        unit_margin=D(12),
        monthly_costs=D(4000),
        initial_investment=D(40000),
        months=3,
    )
    assert (roi.monthly_profit, roi.payback_months) == (D(8000), D("5.0"))
    assert [row.cumulative_profit for row in roi.rows] == [D(-32000), D(-24000), D(-16000)]


def test_roi_never_pays_back_when_costs_exceed_margin():
    roi = scoring.dealer_roi(
        monthly_volume=D(100), unit_margin=D(10), monthly_costs=D(2000), initial_investment=D(1)
    )
    assert roi.payback_months is None


def test_overlap_same_channel_in_subtree():
    found = scoring.overlapping_pairs(
        [("440000/440300/440306/", "ka"), ("440000/440300/", "catering")],
        [
            ("d1", "440000/440300/", "ka"),
            ("d2", "440000/440100/", "ka"),
            ("d3", "440000/440300/", "retail"),
        ],
    )
    assert found == [("d1", "440000/440300/", "440000/440300/440306/", "ka")]
