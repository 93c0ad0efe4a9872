"""ERP sync benchmark: bulk push, idempotent replay, incremental pull, over HTTP.

Runs against a real app server (gunicorn) and a real PostgreSQL/Redis:

    ./dev services &                       # or your own DATABASE_URL / REDIS_URL
    export DATABASE_URL=… REDIS_URL=…      # as printed by ./dev services
    .venv/bin/python bench/erp_sync.py --n 100000 --start-server

Phases (records/s each): push N records through POST /api/v1/<resource>/bulk in
batches of 1,000 with an Idempotency-Key per batch; replay the same batches with
the same keys (stored responses, nothing applied); pull everything changed since
the start with `updated_since` and the cursor, 1,000 per page.
Targets (70-quality.md): push ≥ 10,000/s, replay ≥ 3x push, pull ≥ 20,000/s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000


def territory_records(n: int, run: str) -> list[dict]:
    """Towns under 深圳市 with codes unique to this run."""
    prefix = 440300 * 10**6
    offset = int(run, 16) % 400_000 * 1000
    return [
        {
            "code": str(prefix + (offset + i) % 10**6 + 0),
            "name": f"基准镇{run}-{i}",
            "level": "town",
            "parent": "440300",
        }
        for i in range(n)
    ]


def dealer_records(n: int, run: str) -> list[dict]:
    """Dealers spread over the demo markets, ~10 fields each."""
    markets = ["440100", "440300", "440600", "441900", "441300", "430100", "430200"]
    return [
        {
            "external_code": f"BENCH-{run}-{i:07d}",
            "name": f"基准经销商{run}-{i}",
            "legal_name": f"基准贸易有限公司{i}",
            "market": markets[i % len(markets)],
            "contact_name": "张经理",
            "contact_phone": f"1380000{i % 10000:04d}",
            "address": f"人民路{i % 999}号",
            "credit_limit": f"{(i % 50 + 1) * 10000}.00",
            "active": True,
            "since": "2024-01-01",
        }
        for i in range(n)
    ]


RESOURCES = {"territories": territory_records, "dealers": dealer_records}


def start_server(port: int) -> subprocess.Popen:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "dealerhub.settings.local",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # gunicorn workers keep their connections, as in production (the local settings
        # close them after each request for runserver's thread per request).
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dealerhub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/livez", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def create_token() -> str:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "create_api_client",
            name,
            "--scope",
            "all",
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


def push(session, url, batches, keys, concurrency) -> float:
    def send(index):
        response = session.post(
            url,
            json={"records": batches[index]},
            headers={"Idempotency-Key": keys[index]},
            timeout=300,
        )
        response.raise_for_status()
        return response

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, range(len(batches))))
    return time.perf_counter() - started


def pull(session, url, since) -> tuple[int, float]:
    started, count = time.perf_counter(), 0
    next_url = f"{url}?updated_since={quote(since)}&page_size=1000"
    while next_url:
        response = session.get(next_url, timeout=60)
        response.raise_for_status()
        body = response.json()
        count += len(body["results"])
        next_url = body["next"]
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--resource", choices=sorted(RESOURCES), default="dealers")
    parser.add_argument("--base-url", default="http://127.0.0.1:8011")
    parser.add_argument("--start-server", action="store_true")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    server = start_server(int(args.base_url.rsplit(":", 1)[1])) if args.start_server else None
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {create_token()}"
        run = uuid.uuid4().hex[:8]
        records = RESOURCES[args.resource](args.n, run)
        batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
        keys = [f"{run}-{i}" for i in range(len(batches))]
        url = f"{args.base_url}/api/v1/{args.resource}/bulk"
        since = datetime.now(UTC).isoformat()

        push_s = push(session, url, batches, keys, args.concurrency)
        replay_s = push(session, url, batches, keys, args.concurrency)
        pulled, pull_s = pull(session, f"{args.base_url}/api/v1/{args.resource}/", since)
        print(f"resource={args.resource} n={args.n} batches={len(batches)}")
        print(f"push   {args.n / push_s:10.0f} records/s ({push_s:.1f} s)   target >= 10,000/s")
        print(
            f"replay {args.n / replay_s:10.0f} records/s ({replay_s:.1f} s)   "
            f"{push_s / replay_s:.1f}x the push, target >= 3x"
        )
        print(
            f"pull   {pulled / pull_s:10.0f} records/s ({pull_s:.1f} s, {pulled} rows)   "
            "target >= 20,000/s"
        )
    finally:
        if server:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
