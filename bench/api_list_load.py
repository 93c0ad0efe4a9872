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


def seed_dealers(rows: int) -> None:
    """N dealers spread over the 深圳 markets, inserted set-based (audit triggers off)."""
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
        cur.execute("SELECT count(*) FROM dealers_dealer WHERE external_code LIKE 'LOAD-%%'")
        have = cur.fetchone()[0]
        if have >= rows:
            return
        cur.execute(
            "SELECT m.id FROM markets_market m JOIN markets_territory t ON t.id = m.territory_id "
            "WHERE t.path LIKE '440000/%%' ORDER BY m.id"
        )
        market_ids = [row[0] for row in cur.fetchall()]
        started = time.perf_counter()
        cur.execute("SET session_replication_role = replica")
        cur.execute(
            """
            INSERT INTO dealers_dealer (external_code, name, legal_name, contact_name,
                contact_phone, address, credit_limit, active, since, market_id, overlap_note,
                created_at, updated_at)
            SELECT 'LOAD-' || lpad(i::text, 8, '0'), '负载经销商' || i, '', '', '', '', 100000,
                   true, date '2024-01-01', (%s::bigint[])[1 + i %% %s], '', now(),
                   now() - (i || ' milliseconds')::interval
            FROM generate_series(%s, %s) AS i
            ON CONFLICT (external_code) DO NOTHING
            """,
            [market_ids, len(market_ids), have, rows - 1],
        )
        cur.execute("ANALYZE dealers_dealer")
        print(f"seeded {rows - have} dealers in {time.perf_counter() - started:.1f} s")
    conn.close()


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


def create_token(scope: str) -> str:
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "create_api_client",
            f"load-{uuid.uuid4().hex[:6]}",
            "--scope",
            scope,
            "--territory",
            "440000",
            "--rate-limit",
            "1000000",
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
    parser.add_argument("--resource", choices=["territories", "dealers"], default="dealers")
    args = parser.parse_args()
    if args.resource == "dealers":
        seed_dealers(args.rows)
        list_path, detail_prefix, scope = (
            "/api/v1/dealers/?market=440300&page_size=50",
            ("/api/v1/dealers/"),
            "dealers:read",
        )
    else:
        seed(args.rows)
        list_path, detail_prefix, scope = (
            "/api/v1/territories/?within=440300&page_size=50",
            "/api/v1/territories/",
            "territories:read",
        )
    server = start_server(int(args.base_url.rsplit(":", 1)[1])) if args.start_server else None
    try:
        token = create_token(scope)
        base = args.base_url
        first = requests.get(
            f"{base}{list_path}", headers={"Authorization": f"Bearer {token}"}, timeout=30
        ).json()
        cursor_urls = [first["next"].replace(base, "")] if first["next"] else []
        key = "external_code" if args.resource == "dealers" else "code"
        codes = [row[key] for row in first["results"]]

        def list_url():
            if cursor_urls and random.random() < 0.5:  # noqa: S311
                return random.choice(cursor_urls)  # noqa: S311
            return list_path

        def detail_url():
            return f"{detail_prefix}{random.choice(codes)}"  # noqa: S311

        rps, loaded = load(base, token, list_url, args.connections, args.seconds)
        _, single = load(base, token, list_url, 1, args.seconds / 2)
        _, detail_loaded = load(base, token, detail_url, args.connections, args.seconds / 2)
        _, detail_single = load(base, token, detail_url, 1, args.seconds / 2)
        print(f"resource={args.resource} rows={args.rows} connections={args.connections}")
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
