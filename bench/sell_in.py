"""Sell-in benchmark (NOT YET RUN — see docs/benchmarks.md): push lines over HTTP in
batches of 1,000 and time the summary fold, against a demo-seeded database.

    ./dev services &   # then export DATABASE_URL / REDIS_URL as printed
    .venv/bin/python bench/sell_in.py --push 200000 --start-server

Reuses bench/erp_sync.py's server, token and push helpers. The set-based load of
5,000,000 lines (INSERT … SELECT generate_series) is not written yet.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--push", type=int, default=200_000)
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
    server = start_server(args.port) if args.start_server else None
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {create_token()}"
        run = uuid.uuid4().hex[:6]
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
