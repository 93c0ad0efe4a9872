"""The pure split helpers and the target key (no database)."""

from decimal import Decimal

import pytest

from planning import rules

D = Decimal


def test_parts_sum_exactly_to_the_total_by_largest_remainder():
    parts = rules.split_by_shares(D(100), {"a": D(1), "b": D(1), "c": D(1)})

    assert parts == {"a": D(34), "b": D(33), "c": D(33)}


def test_the_largest_remainders_get_the_leftover_units():
    # exact: 10 * 0.45 = 4.5, 10 * 0.35 = 3.5, 10 * 0.2 = 2.0 → floors 4, 3, 2; one left,
    # the tie of remainders .5/.5 goes to the earlier key.
    parts = rules.split_by_shares(D(10), {"a": D(45), "b": D(35), "c": D(20)})

    assert parts == {"a": D(5), "b": D(3), "c": D(2)}


def test_uneven_shares_of_a_large_total_still_sum_exactly():
    shares = {i: D(i * 7 % 13 + 1) / D(3) for i in range(40)}

    parts = rules.split_by_shares(D(9_876_543), shares)

    assert sum(parts.values()) == D(9_876_543)
    assert all(part == part.to_integral_value() for part in parts.values())


def test_all_zero_shares_split_equally():
    parts = rules.split_by_shares(D(10), {"a": D(0), "b": D(0), "c": D(0)})

    assert parts == {"a": D(4), "b": D(3), "c": D(3)}


def test_a_fractional_total_is_split_in_whole_units_of_its_floor():
    parts = rules.split_by_shares(D("10.9"), {"a": D(1), "b": D(1)})

    assert parts == {"a": D(5), "b": D(5)}


@pytest.mark.parametrize(
    ("total", "shares"), [(D(-1), {"a": D(1)}), (D(10), {"a": D(1), "b": D(-1)})]
)
def test_negative_totals_and_shares_are_refused(total, shares):
    with pytest.raises(ValueError, match="negative"):
        rules.split_by_shares(total, shares)


def test_no_keys_is_no_parts():
    assert rules.split_by_shares(D(10), {}) == {}


def test_seasonality_spreads_a_year_over_twelve_months():
    pattern = {1: D(14), 2: D(12), 9: D(10)}  # other months have no weight

    months = rules.split_by_seasonality(D(3600), pattern)

    assert list(months) == list(range(1, 13))
    assert sum(months.values()) == D(3600)
    assert months[3] == D(0)
    assert (months[1], months[2], months[9]) == (D(1400), D(1200), D(1000))


def test_seasonality_without_a_pattern_is_equal_months():
    months = rules.split_by_seasonality(D(1000), {})

    assert sum(months.values()) == D(1000)
    assert sorted(set(months.values())) == [D(83), D(84)]


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("2026-03-sell_in_value-440300", (2026, 3, "sell_in_value", "440300", None)),
        ("2026-12-collections-440300-D-0001", (2026, 12, "collections", "440300", "D-0001")),
    ],
)
def test_a_key_reads_back_as_its_parts(key, parts):
    parsed = rules.parse_key(key)

    assert parsed is not None
    assert (
        parsed.year,
        parsed.month,
        parsed.measure,
        parsed.territory_code,
        parsed.dealer_code,
    ) == parts
    assert str(parsed) == key


@pytest.mark.parametrize(
    "key", ["2026-3-sell_in_value-440300", "2026-13-collections-440300", "2026-01-profit-440300"]
)
def test_a_malformed_key_is_none(key):
    assert rules.parse_key(key) is None


def test_a_reason_is_needed_only_when_the_total_differs_from_hq():
    assert rules.needs_reason(total=D(10), hq_figure=D(11))
    assert not rules.needs_reason(total=D(10), hq_figure=D(10))
    assert not rules.needs_reason(total=D(10), hq_figure=None)
