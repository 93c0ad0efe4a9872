"""Sell-in benchmark (figures in docs/benchmarks.md): push lines over HTTP in batches of
1,000, replay them, load lines set-based, and time the summary fold, against a
demo-seeded database.

    ./dev services &   # then export DATABASE_URL / REDIS_URL as printed
    .venv/bin/python bench/sell_in.py --push 100000 --load 1000000 --start-server

Reuses bench/erp_sync.py's server, token and push helpers. ``--load N`` writes N lines
with one ``INSERT … SELECT … FROM generate_series`` (the dealers, SKUs and months of the
seeded database; months that have a partition), marks the touched (month, dealer) keys
stale and folds them, as a history import would.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the project
from erp_sync import BATCH, create_token, push, start_server  # noqa: E402

SKUS = ["JY-500", "JY-1900", "JY-LC", "CU-420", "CU-2500", "TW-JJ", "TW-HY"]


def line_records(n: int, run: str, dealers: list[str]) -> list[dict]:
    return [
        {
            "external_code": f"B{run}-{i:08d}",
            "dealer": dealers[(i * i) % len(dealers)],  # skewed: a few dealers get most
            "product": SKUS[i % len(SKUS)],
            "date": f"2026-{i % 10 + 1:02d}-{i % 28 + 1:02d}",
            "quantity": f"{i % 50 + 1}.00",
            "value": f"{(i % 50 + 1) * 96}.00",
            "lot_codes": [f"LOT{i % 97}"],
        }
        for i in range(n)
    ]


LOAD_SQL = """
WITH d AS (
    SELECT row_number() OVER (ORDER BY d.id) - 1 AS n, d.id, d.market_id, t.path
    FROM dealers_dealer d
    JOIN markets_market mk ON mk.id = d.market_id
    JOIN markets_territory t ON t.id = mk.territory_id
), p AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, standard_factor FROM sales_product
), m AS (
    SELECT row_number() OVER (ORDER BY month) - 1 AS n, month FROM unnest(%(months)s::date[]) month
), g AS (
    SELECT i, (i * i) %% (SELECT count(*) FROM d) AS dn, i %% (SELECT count(*) FROM p) AS pn,
           i %% (SELECT count(*) FROM m) AS mn, (i %% 50 + 1)::numeric AS qty
    FROM generate_series(1::bigint, %(n)s) i
)
INSERT INTO sales_sellinline (created_at, updated_at, external_code, month, date, dealer_id,
    product_id, market_id, territory_path, quantity, value, standard_units, lot_codes)
SELECT clock_timestamp(), clock_timestamp(), %(prefix)s || lpad(g.i::text, 9, '0'), m.month,
       m.month + (g.i %% 28)::int, d.id, p.id, d.market_id, d.path, g.qty, g.qty * 96,
       round(g.qty * p.standard_factor, 4), jsonb_build_array('LOT' || g.i %% 97)
FROM g JOIN d ON d.n = g.dn JOIN p ON p.n = g.pn JOIN m ON m.n = g.mn
"""

BACKLOG_SQL = """
INSERT INTO sales_summarybacklog (month, dealer_id)
SELECT DISTINCT month, dealer_id FROM sales_sellinline WHERE external_code LIKE %s
ON CONFLICT DO NOTHING
"""


def load(n: int, run: str) -> None:
    """Write ``n`` lines set-based; print the insert, backlog and fold times."""
    from django.db import connection, transaction

    from sales import services
    from sales.services.partitions import partition_months

    months = sorted(m for m in partition_months() if m.year == 2026)
    prefix = f"S{run}-"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOAD_SQL, {"months": months, "n": n, "prefix": prefix})
        inserted = cursor.rowcount
    seconds = time.perf_counter() - started
    print(f"set-based load of {inserted:,} lines: {seconds:.1f} s ({inserted / seconds:,.0f}/s)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BACKLOG_SQL, [prefix + "%"])
    print(f"backlog of the touched keys: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    folded = services.summaries_refresh()
    print(f"summary fold of {folded} keys: {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--push", type=int, default=100_000)
    parser.add_argument("--load", type=int, default=0, help="lines to load set-based")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--start-server", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings.local")
    import django

    django.setup()
    from dealers.models import Dealer
    from sales import services

    dealers = list(Dealer.objects.values_list("external_code", flat=True))
    run = uuid.uuid4().hex[:6]
    if args.load:
        load(args.load, run)
    if not args.push:
        return
    server = start_server(args.port) if args.start_server else None
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {create_token()}"
        records = line_records(args.push, run, dealers)
        batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
        keys = [f"{run}-{i}" for i in range(len(batches))]
        url = f"http://127.0.0.1:{args.port}/api/v1/sell-in-lines/bulk"
        seconds = push(session, url, batches, keys, args.concurrency)
        print(f"push {args.push} lines: {args.push / seconds:,.0f}/s")
        seconds = push(session, url, batches, keys, args.concurrency)
        print(f"replay: {args.push / seconds:,.0f}/s")
        started = time.perf_counter()
        folded = services.summaries_refresh()
        print(f"summary fold of {folded} keys: {time.perf_counter() - started:.2f} s")
    finally:
        if server:
            server.terminate()


if __name__ == "__main__":
    main()
