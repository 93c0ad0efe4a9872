"""Monthly summaries of sell-in and collections, kept current set-based.

Writes record the (month, dealer) keys they touch in ``SummaryBacklog`` inside their own
transaction and queue a refresh after commit; :func:`summaries_refresh` takes a slice of
the backlog (``FOR UPDATE SKIP LOCKED``, so refreshes can run side by side), deletes it
and re-aggregates exactly those keys from the facts, all in one transaction: a crash
leaves the backlog as it was. Summary tables (not materialised views) because a refresh
then costs what was touched, not the whole history (``docs/benchmarks.md``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction

from dealerhub.core.jobs import enqueue_on_commit

from ..models import SummaryBacklog

FOLD_LIMIT = 5000

# The dealer's current market and territory path: a dealer moved to another market is
# re-stamped by the nightly re-check.
_SELL_IN_AGGREGATE = """
SELECT l.month, l.dealer_id, l.product_id, d.market_id, t.path AS territory_path,
       sum(l.quantity) AS quantity, sum(l.value) AS value,
       sum(l.standard_units) AS standard_units, count(*) AS lines
FROM sales_sellinline l
JOIN dealers_dealer d ON d.id = l.dealer_id
JOIN markets_market mk ON mk.id = d.market_id
JOIN markets_territory t ON t.id = mk.territory_id
{join}
{where}
GROUP BY l.month, l.dealer_id, l.product_id, d.market_id, t.path
"""

_COLLECTION_AGGREGATE = """
SELECT date_trunc('month', c.date)::date AS month, c.dealer_id, d.market_id,
       t.path AS territory_path, sum(c.amount) AS amount, count(*) AS payments
FROM sales_collection c
JOIN dealers_dealer d ON d.id = c.dealer_id
JOIN markets_market mk ON mk.id = d.market_id
JOIN markets_territory t ON t.id = mk.territory_id
{join}
{where}
GROUP BY 1, c.dealer_id, d.market_id, t.path
"""


# Only this module's own SQL is formatted in.
_RECHECK_SQL = (
    "INSERT INTO sales_summarybacklog (month, dealer_id) "  # noqa: S608
    "SELECT DISTINCT coalesce(f.month, s.month), coalesce(f.dealer_id, s.dealer_id) "
    f"FROM ({_SELL_IN_AGGREGATE.format(join='', where='')}) f "
    "FULL JOIN sales_sellinmonthly s ON s.month = f.month "
    "AND s.dealer_id = f.dealer_id AND s.product_id = f.product_id "
    "WHERE (f.market_id, f.territory_path, f.quantity, f.value, f.standard_units, "
    "f.lines) IS DISTINCT FROM (s.market_id, s.territory_path, s.quantity, s.value, "
    "s.standard_units, s.lines) "
    "UNION "
    "SELECT coalesce(f.month, s.month), coalesce(f.dealer_id, s.dealer_id) "
    f"FROM ({_COLLECTION_AGGREGATE.format(join='', where='')}) f "
    "FULL JOIN sales_collectionmonthly s ON s.month = f.month "
    "AND s.dealer_id = f.dealer_id "
    "WHERE (f.market_id, f.territory_path, f.amount, f.payments) IS DISTINCT FROM "
    "(s.market_id, s.territory_path, s.amount, s.payments) "
    "ON CONFLICT DO NOTHING"
)


def backlog_add(keys: Iterable[tuple[datetime.date, int]]) -> None:
    """Mark (month, dealer id) keys stale in the caller's transaction; queue a refresh."""
    rows = [SummaryBacklog(month=month, dealer_id=dealer_id) for month, dealer_id in set(keys)]
    if not rows:
        return
    SummaryBacklog.objects.bulk_create(rows, ignore_conflicts=True)
    from .. import tasks

    enqueue_on_commit(tasks.refresh_summaries)


def summaries_refresh(*, limit: int = FOLD_LIMIT) -> int:
    """Fold the backlog into the summaries, ``limit`` keys per transaction; returns the
    number of keys refreshed."""
    total = 0
    while True:
        with transaction.atomic():
            folded = _fold(limit)
        total += folded
        if folded < limit:
            return total


def _fold(limit: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE _summary_keys (month date, dealer_id bigint) ON COMMIT DROP"
        )
        cursor.execute(
            "WITH taken AS (DELETE FROM sales_summarybacklog WHERE id IN ("
            "  SELECT id FROM sales_summarybacklog ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
            ") RETURNING month, dealer_id) "
            "INSERT INTO _summary_keys SELECT DISTINCT month, dealer_id FROM taken",
            [limit],
        )
        folded = cursor.rowcount
        if not folded:
            cursor.execute("DROP TABLE _summary_keys")
            return 0
        cursor.execute("SELECT array_agg(DISTINCT month) FROM _summary_keys")
        months = cursor.fetchone()[0]
        cursor.execute(
            "DELETE FROM sales_sellinmonthly m USING _summary_keys k "
            "WHERE m.month = k.month AND m.dealer_id = k.dealer_id"
        )
        # month = ANY(%s) lets the planner skip the partitions of untouched months.
        cursor.execute(
            "INSERT INTO sales_sellinmonthly (month, dealer_id, product_id, market_id, "
            "territory_path, quantity, value, standard_units, lines) "
            + _SELL_IN_AGGREGATE.format(
                join="JOIN _summary_keys k ON k.month = l.month AND k.dealer_id = l.dealer_id",
                where="WHERE l.month = ANY(%s)",
            ),
            [months],
        )
        cursor.execute(
            "DELETE FROM sales_collectionmonthly m USING _summary_keys k "
            "WHERE m.month = k.month AND m.dealer_id = k.dealer_id"
        )
        cursor.execute(
            "INSERT INTO sales_collectionmonthly (month, dealer_id, market_id, territory_path, "
            "amount, payments) "
            + _COLLECTION_AGGREGATE.format(
                join="JOIN _summary_keys k ON k.dealer_id = c.dealer_id "
                "AND k.month = date_trunc('month', c.date)::date",
                where="",
            )
        )
        cursor.execute("DROP TABLE _summary_keys")
    return folded


def summaries_recheck() -> int:
    """The nightly full re-check: every (month, dealer) whose summary differs from a full
    aggregation of the facts goes to the backlog and is refreshed; returns how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RECHECK_SQL)
        stale = cursor.rowcount
    summaries_refresh()
    return stale
