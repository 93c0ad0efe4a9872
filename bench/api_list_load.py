"""API list/detail latency at scale: N rows, 8 concurrent connections, over HTTP.

    export DATABASE_URL=… REDIS_URL=…      # e.g. from ./dev services
    .venv/bin/python bench/api_list_load.py --rows 1000000 --start-server

Seeds N town-level territories under 深圳市 with one set-based INSERT (triggers off
for the seed only), then measures, against gunicorn:
  - list, 50 per page, filtered by territory (`within`), keyset cursor: rps and p95
    with 8 concurrent connections, and p95 of single requests;
  - detail: p95 loaded (8 connections) and single.
Targets (70-quality.md): ≥ 130 rps and p95 ≤ 80 ms loaded (list); p95 ≤ 30 ms single;
detail p95 ≤ 30 ms loaded, ≤ 10 ms single.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from erp_sync import start_server  # noqa: E402


def seed(rows: int) -> None:
    import dj_database_url

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        password=config["PASSWORD"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT id, path FROM markets_territory WHERE code = '440300'")
        parent_id, parent_path = cur.fetchone()
        cur.execute("SELECT count(*) FROM markets_territory WHERE code LIKE '44039%%'")
        have = cur.fetchone()[0]
        if have >= rows:
            return
        started = time.perf_counter()
        cur.execute("SET session_replication_role = replica")  # no audit triggers for the seed
        cur.execute(
            """
            INSERT INTO markets_territory (code, name, level, parent_id, path, depth, tier,
                county_count, town_count, created_at, updated_at)
            SELECT c, '基准镇' || i, 'town', %s, %s || c || '/', 2, '', 0, 0, now(),
                   now() - (i || ' seconds')::interval
            FROM generate_series(%s, %s) AS i,
                 LATERAL (SELECT '44039' || lpad(i::text, 7, '0')) s(c)
            ON CONFLICT (code) DO NOTHING
            """,
            [parent_id, parent_path, have, rows - 1],
        )
        cur.execute("ANALYZE markets_territory")
        print(f"seeded {rows - have} rows in {time.perf_counter() - started:.1f} s")
    conn.close()


def create_token() -> str:
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "create_api_client",
            f"load-{uuid.uuid4().hex[:6]}",
            "--scope",
            "territories:read",
            "--territory",
            "440000",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "dealerhub.settings.local"},
    )
    return out.stdout.strip()


def timed(session, url) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=30)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def load(base, token, urls_for, connections: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        mine = []
        while time.perf_counter() < stop:
            mine.append(timed(session, base + urls_for()))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--base-url", default="http://127.0.0.1:8012")
    parser.add_argument("--start-server", action="store_true")
    args = parser.parse_args()
    seed(args.rows)
    server = start_server(int(args.base_url.rsplit(":", 1)[1])) if args.start_server else None
    try:
        token = create_token()
        base = args.base_url
        first = requests.get(
            f"{base}/api/v1/territories/?within=440300&page_size=50",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        cursor_urls = [first["next"].replace(base, "")] if first["next"] else []
        codes = [row["code"] for row in first["results"]]

        def list_url():
            if cursor_urls and random.random() < 0.5:  # noqa: S311
                return random.choice(cursor_urls)  # noqa: S311
            return "/api/v1/territories/?within=440300&page_size=50"

        def detail_url():
            return f"/api/v1/territories/{random.choice(codes)}"  # noqa: S311

        rps, loaded = load(base, token, list_url, args.connections, args.seconds)
        _, single = load(base, token, list_url, 1, args.seconds / 2)
        _, detail_loaded = load(base, token, detail_url, args.connections, args.seconds / 2)
        _, detail_single = load(base, token, detail_url, 1, args.seconds / 2)
        print(f"rows={args.rows} connections={args.connections}")
        print(
            f"list   loaded: {rps:6.0f} rps  p95 {p95(loaded):6.1f} ms   "
            "(target >= 130 rps, p95 <= 80 ms)"
        )
        print(f"list   single:              p95 {p95(single):6.1f} ms   (target <= 30 ms)")
        print(f"detail loaded:              p95 {p95(detail_loaded):6.1f} ms   (target <= 30 ms)")
        print(f"detail single:              p95 {p95(detail_single):6.1f} ms   (target <= 10 ms)")
    finally:
        if server:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
