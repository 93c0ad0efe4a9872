"""Evaluation sheet (PDF) benchmark: one sheet warm, then N sheets through Celery workers.

    export DATABASE_URL=postgres://…/bench_db REDIS_URL=redis://…/db
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/evaluation_sheets.py --sheets 200 --start-workers 2

Creates N candidates with a submitted scorecard in a bench market, times rendering one
sheet in this process (first and warm), then queues every sheet (chunks of 10 per task)
and waits until all are stored. Targets (70-quality.md): warm ≤ 0.5 s per sheet, 200
sheets through 2 workers ≤ 60 s, ≤ 300 KB per sheet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from dealers import services, sheets  # noqa: E402
from dealers.defaults import DEFAULT_CRITERIA  # noqa: E402
from dealers.models import Candidate, EvaluationSheet  # noqa: E402
from markets.models import Market, Territory  # noqa: E402

CODES = [item[0] for *_head, items in DEFAULT_CRITERIA for item in items]


def bench_market() -> Market:
    province, _ = Territory.objects.get_or_create(
        code="990000",
        defaults={"name": "基准省", "level": "province", "path": "990000/", "depth": 0},
    )
    city, _ = Territory.objects.get_or_create(
        code="999900",
        defaults={
            "name": "基准市（PDF）",
            "level": "city",
            "parent": province,
            "tier": "tier2",
            "path": "990000/999900/",
            "depth": 1,
        },
    )
    return Market.objects.get_or_create(territory=city)[0]


def candidates(n: int) -> list[Candidate]:
    market = bench_market()
    made = []
    for index in range(n):
        candidate, created = Candidate.objects.get_or_create(
            external_code=f"PDF-{index:04d}",
            defaults={
                "name": f"基准商贸有限公司{index:04d}号",
                "market": market,
                "working_capital": 150000 + index * 1000,
                "covered_outlets": 50 + index,
            },
        )
        if created or not candidate.evaluations.filter(submitted=True).exists():
            ratings = {code: 1 + (index + position) % 5 for position, code in enumerate(CODES)}
            notes = {code: "走访下游门店两家、核对进货单据" for code in CODES[::3]}
            services.evaluation_save(
                candidate_id=candidate.pk, user=None, ratings=ratings, notes=notes, submit=True
            )
        made.append(candidate)
    return made


def start_workers(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dealerhub",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"pdfbench{number}@%h",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
        )
        for number in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sheets", type=int, default=200)
    parser.add_argument("--start-workers", type=int, default=0, help="start N solo workers")
    args = parser.parse_args()

    rows = candidates(args.sheets)
    started = time.perf_counter()
    first = sheets.render_pdf(rows[0], "zh-hans")
    print(f"first sheet in this process: {time.perf_counter() - started:.2f} s")
    times = []
    for candidate in rows[1:11]:
        started = time.perf_counter()
        sheets.render_pdf(candidate, "zh-hans")
        times.append(time.perf_counter() - started)
    print(
        f"warm sheet: median {statistics.median(times):.3f} s, max {max(times):.3f} s, "
        f"size {len(first) / 1024:.0f} KB"
    )

    workers = start_workers(args.start_workers) if args.start_workers else []
    try:
        time.sleep(3 if workers else 0)
        EvaluationSheet.objects.filter(candidate__in=rows).delete()
        started = time.perf_counter()
        with transaction.atomic():
            ids = [
                EvaluationSheet.objects.create(candidate=candidate, language="zh-hans").pk
                for candidate in rows
            ]
            services.queue_sheet_renders(ids)
        while EvaluationSheet.objects.filter(pk__in=ids, status="ready").count() < len(ids):
            if time.perf_counter() - started > 600:
                raise SystemExit("timed out waiting for the workers")
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
        sizes = list(EvaluationSheet.objects.filter(pk__in=ids).values_list("size", flat=True))
        print(
            f"{len(ids)} sheets through {args.start_workers or 'running'} worker(s): "
            f"{elapsed:.1f} s; size max {max(sizes) / 1024:.0f} KB, "
            f"median {statistics.median(sizes) / 1024:.0f} KB"
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


if __name__ == "__main__":
    main()
