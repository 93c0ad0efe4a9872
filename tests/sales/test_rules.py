import datetime
from decimal import Decimal

import pytest

from sales import rules


def test_standard_units_are_quantity_times_the_factor():
    assert rules.standard_units(Decimal("3.00"), Decimal("4.0000")) == Decimal("12.0000")
    assert rules.standard_units(Decimal("7.00"), Decimal("0.4167")) == Decimal("2.9169")


def test_a_return_counts_negative_standard_units():
    assert rules.standard_units(Decimal("-2.00"), Decimal("2.5000")) == Decimal("-5.0000")


@pytest.mark.parametrize(
    ("price", "margin", "expected"),
    [
        ("100", "30", "high"),
        ("100", "29.99", "thin"),
        ("100", "15", "thin"),
        ("100", "14.99", "micro"),
        ("0", "5", "micro"),
    ],
)
def test_margin_class_follows_the_margin_rate(price, margin, expected):
    assert (
        rules.margin_class_for(list_price=Decimal(price), unit_margin=Decimal(margin)) == expected
    )


def test_months_between_cross_a_year_boundary():
    assert rules.months_between(datetime.date(2025, 11, 30), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
