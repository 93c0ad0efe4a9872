"""Pure sales rules: standard units, margin classes and months (no ORM)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .choices import MarginClass

UNITS = Decimal("0.0001")


def standard_units(quantity: Decimal, factor: Decimal) -> Decimal:
    """Quantity in 标准件: each SKU's factor makes different pack sizes add up."""
    return (quantity * factor).quantize(UNITS)


@dataclass(frozen=True)
class MarginThresholds:
    """Margin rate (unit margin / list price) from which a product is 厚利 or 薄利."""

    high: Decimal = Decimal("0.30")
    thin: Decimal = Decimal("0.15")


DEFAULT_THRESHOLDS = MarginThresholds()


def margin_class_for(
    *, list_price: Decimal, unit_margin: Decimal, thresholds: MarginThresholds = DEFAULT_THRESHOLDS
) -> str:
    """The class a product gets when neither the ERP nor HQ set one."""
    if list_price <= 0:
        return MarginClass.MICRO
    rate = unit_margin / list_price
    if rate >= thresholds.high:
        return MarginClass.HIGH
    if rate >= thresholds.thin:
        return MarginClass.THIN
    return MarginClass.MICRO


def month_of(day: datetime.date) -> datetime.date:
    """The partition key of a sell-in line: the first day of its month."""
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Month starts from ``first``'s month to ``last``'s month, inclusive."""
    months, current = [], month_of(first)
    while current <= month_of(last):
        months.append(current)
        current = add_months(current, 1)
    return months
