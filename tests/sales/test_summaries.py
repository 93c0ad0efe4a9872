"""Monthly summaries: refreshed incrementally for the touched keys, equal to a full
recomputation across month and year boundaries; read by territory in the drill-down."""

import datetime
from decimal import Decimal

from sales import selectors, services
from sales.models import CollectionMonthly, SellInMonthly

from .conftest import line, validated


def _summaries():
    return sorted(
        SellInMonthly.objects.values_list(
            "month", "dealer_id", "product_id", "quantity", "value", "standard_units", "lines"
        )
    )


def _push(*records):
    services.sell_in_lines_upsert(records=[validated(r) for r in records], allowed_paths=None)


def test_incremental_refresh_matches_a_full_recomputation_across_years(home, bottle, jug):
    _push(
        line("L-1", date="2025-12-31", quantity="2.00"),
        line("L-2", date="2026-01-01", product="SOY-5L", quantity="3.00"),
        line("L-3", date="2026-01-20", quantity="1.00"),
    )
    services.summaries_refresh()
    _push(line("L-3", date="2026-01-21", quantity="5.00"), line("L-4", date="2026-02-01"))
    services.summaries_refresh()
    incremental = _summaries()

    SellInMonthly.objects.all().delete()
    assert services.summaries_recheck() == 3  # every (month, dealer) was missing
    assert _summaries() == incremental
    jan = datetime.date(2026, 1, 1)
    assert SellInMonthly.objects.get(month=jan, product=jug).standard_units == Decimal(12)
    assert SellInMonthly.objects.get(month=jan, product=bottle).quantity == Decimal(5)


def test_a_refresh_touches_only_the_keys_written(home, bottle):
    _push(line("L-1", date="2025-11-05"), line("L-2", date="2026-01-05"))
    services.summaries_refresh()
    SellInMonthly.objects.filter(month=datetime.date(2025, 11, 1)).update(value=Decimal(1))

    _push(line("L-2", date="2026-01-06", value="99.00"))
    assert services.summaries_refresh() == 1

    untouched = SellInMonthly.objects.get(month=datetime.date(2025, 11, 1))
    assert untouched.value == Decimal(1)  # not recomputed: only (2026-01, HOME) was
    assert services.summaries_recheck() == 1  # the nightly re-check finds the drift
    assert SellInMonthly.objects.get(month=datetime.date(2025, 11, 1)).value == Decimal(1200)


def test_collections_are_summed_per_month_and_dealer(home):
    services.collections_upsert(
        records=[
            {
                "external_code": "P-1",
                "dealer": "HOME",
                "amount": Decimal(100),
                "date": datetime.date(2025, 12, 31),
            },
            {
                "external_code": "P-2",
                "dealer": "HOME",
                "amount": Decimal(50),
                "date": datetime.date(2026, 1, 1),
            },
            {
                "external_code": "P-3",
                "dealer": "HOME",
                "amount": Decimal(25),
                "date": datetime.date(2026, 1, 9),
            },
        ],
        allowed_paths=None,
    )
    services.summaries_refresh()

    assert sorted(CollectionMonthly.objects.values_list("month", "amount", "payments")) == [
        (datetime.date(2025, 12, 1), Decimal(100), 1),
        (datetime.date(2026, 1, 1), Decimal(75), 2),
    ]


def test_sell_in_by_drills_down_within_the_users_scope(
    home, away, bottle, manager, rep_outside, django_assert_max_num_queries
):
    _push(line("L-1"), line("L-2", dealer="AWAY", value="500.00"))
    services.summaries_refresh()

    with django_assert_max_num_queries(4):  # scope, sell-in, collections, names
        regions = selectors.sell_in_by(user=manager, level="region", year=2026)
    assert [(r.key, r.value) for r in regions] == [("440000", Decimal(1200))]
    markets = selectors.sell_in_by(user=manager, level="market", year=2026, parent="440000")
    assert [(r.key, r.value) for r in markets] == [("440300", Decimal(1200))]
    dealers = selectors.sell_in_by(
        user=manager, level="dealer", year=2026, month=1, parent="440300"
    )
    assert [(r.key, r.collections) for r in dealers] == [("HOME", Decimal(0))]
    skus = selectors.sell_in_by(user=manager, level="product", year=2026, parent="HOME")
    assert [(r.key, r.standard_units) for r in skus] == [("SOY-500", Decimal(10))]
    assert selectors.sell_in_by(user=manager, level="product", year=2026, parent="AWAY") == []
    assert selectors.sell_in_by(user=manager, level="region", year=2025) == []
    outside = selectors.sell_in_by(user=rep_outside, level="region", year=2026)
    assert [(r.key, r.value) for r in outside] == [("430000", Decimal(500))]


def test_demo_sells_only_in_developed_markets(world, home, away):
    from sales import demo
    from sales.models import SellInLine

    demo.seed(password="x")

    assert set(SellInLine.objects.values_list("dealer__external_code", flat=True)) == {"HOME"}
    assert SellInMonthly.objects.values("month").distinct().count() == 18
