"""Reads of products and actuals. Achievement facts come from the monthly summaries,
never from the lines, and always through the user's territory scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, F, Func, QuerySet, Sum, Value

from dealers.models import Dealer
from markets.models import Market, Territory

from .choices import Level
from .models import CollectionMonthly, Product, SellInLine, SellInMonthly

ZERO = Decimal(0)


def product_list(*, user, category: str = "") -> QuerySet[Product]:
    products = Product.objects.for_user(user)
    return products.filter(category=category) if category else products


def sell_in_line_list(*, user) -> QuerySet[SellInLine]:
    return SellInLine.objects.for_user(user).select_related(
        "dealer", "product", "market__territory"
    )


@dataclass(frozen=True)
class Achievement:
    """Actuals of one row of the drill-down for a period."""

    key: str  # territory code, dealer code or SKU: what the next level takes as parent
    label: str
    quantity: Decimal
    value: Decimal
    standard_units: Decimal
    collections: Decimal | None  # None at SKU level (collections are per dealer)


def _period(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    day = datetime.date(year, month, 1)
    return day, day


class _SplitPart(Func):
    function = "split_part"
    output_field = CharField()


def sell_in_by(
    *, user, level: str, year: int, month: int | None = None, parent: str | None = None
) -> list[Achievement]:
    """Sell-in (and collections) of a period by one level of the drill-down, within the
    user's scope: ``region`` (provinces; no parent), ``market`` (parent: a territory
    code, e.g. a region), ``dealer`` (parent: a market's territory code) or ``product``
    (parent: a dealer code). A whole year when ``month`` is None. A parent outside the
    user's scope gives no rows. At most four queries (scope,
    sell-in, collections, names), whatever the size of the data."""
    first, last = _period(year, month)
    sell_in = SellInMonthly.objects.for_user(user).filter(month__gte=first, month__lte=last)
    collected = CollectionMonthly.objects.for_user(user).filter(month__gte=first, month__lte=last)
    rows: Any  # value rows of {"group", sums}; the group differs by level
    paid: Any
    sums = {
        "quantity": Sum("quantity"),
        "value": Sum("value"),
        "standard_units": Sum("standard_units"),
    }
    if level == Level.REGION:
        group = _SplitPart(F("territory_path"), Value("/"), Value(1))
        rows = sell_in.annotate(group=group).values("group").annotate(**sums)
        paid = collected.annotate(group=group).values("group").annotate(amount=Sum("amount"))
        names = dict(
            Territory.objects.filter(code__in=[r["group"] for r in rows]).values_list(
                "code", "name"
            )
        )
        return _rows(rows, paid, names, {code: code for code in names})
    if level == Level.MARKET:
        if parent:
            scope = Territory.objects.for_user(user).filter(code=parent).first()
            if scope is None:
                return []
            sell_in = sell_in.filter(territory_path__startswith=scope.path)
            collected = collected.filter(territory_path__startswith=scope.path)
        rows = sell_in.values(group=F("market_id")).annotate(**sums)
        paid = collected.values(group=F("market_id")).annotate(amount=Sum("amount"))
        markets = Market.objects.filter(pk__in=[r["group"] for r in rows]).values_list(
            "pk", "territory__code", "territory__name"
        )
        return _rows(
            rows, paid, {pk: name for pk, _c, name in markets}, {pk: c for pk, c, _n in markets}
        )
    if level == Level.DEALER:
        market = Market.objects.for_user(user).filter(territory__code=parent).first()
        if market is None:
            return []
        rows = sell_in.filter(market=market).values(group=F("dealer_id")).annotate(**sums)
        paid = (
            collected.filter(market=market)
            .values(group=F("dealer_id"))
            .annotate(amount=Sum("amount"))
        )
        dealers = Dealer.objects.filter(pk__in=[r["group"] for r in rows]).values_list(
            "pk", "external_code", "name"
        )
        return _rows(
            rows, paid, {pk: name for pk, _c, name in dealers}, {pk: c for pk, c, _n in dealers}
        )
    if level == Level.PRODUCT:
        dealer = Dealer.objects.for_user(user).filter(external_code=parent).first()
        if dealer is None:
            return []
        rows = sell_in.filter(dealer=dealer).values(group=F("product_id")).annotate(**sums)
        products = Product.objects.filter(pk__in=[r["group"] for r in rows]).values_list(
            "pk", "external_code", "name"
        )
        return _rows(
            rows, None, {pk: name for pk, _c, name in products}, {pk: c for pk, c, _n in products}
        )
    raise ValueError(f"Unknown level {level!r}")


def _rows(rows, paid, labels: dict, keys: dict) -> list[Achievement]:
    amounts = {row["group"]: row["amount"] for row in paid} if paid is not None else {}
    result = [
        Achievement(
            key=str(keys[row["group"]]),
            label=labels[row["group"]],
            quantity=row["quantity"],
            value=row["value"],
            standard_units=row["standard_units"],
            collections=None if paid is None else amounts.get(row["group"], ZERO),
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row.value, row.key))
