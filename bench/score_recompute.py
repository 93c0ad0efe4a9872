"""Recompute benchmark: N candidates with evaluations, full re-scoring after a template change.

    export DATABASE_URL=postgres://…/bench_db REDIS_URL=…    # a scratch database
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/score_recompute.py --n 100000

Creates N candidates (one evaluation each, random ratings and capacity measures) spread
over 100 bench markets under a bench province (code 990000), set-based in SQL. Then times
the recompute job (the same code the Celery task runs):

1. first scoring (every evaluation changes),
2. a re-run (nothing changes: the IS DISTINCT FROM guard writes no row),
3. publishing a new template version with other weights (scores change again).

Targets (70-quality.md, 1,000,000 evaluations): ≤ 30 s when scores change, ≤ 6 s when
none change. `--keep` leaves the data for another run; otherwise it is deleted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealerhub.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from dealers import services  # noqa: E402
from dealers.defaults import DEFAULT_CRITERIA, DEFAULT_TEMPLATE_NAME  # noqa: E402
from dealers.models import (  # noqa: E402
    Candidate,
    Criterion,
    Evaluation,
    RecomputeJob,
    ScorecardTemplate,
)
from markets.models import Market, Territory  # noqa: E402

PROVINCE = "990000"
MARKETS = 100
CODES = [item[0] for *_head, items in DEFAULT_CRITERIA for item in items]


def bench_markets() -> list[Market]:
    province, _ = Territory.objects.get_or_create(
        code=PROVINCE,
        defaults={"name": "基准省", "level": "province", "path": f"{PROVINCE}/", "depth": 0},
    )
    markets = []
    for index in range(MARKETS):
        code = str(990100 + index)
        city, _ = Territory.objects.get_or_create(
            code=code,
            defaults={
                "name": f"基准市{index}",
                "level": "city",
                "parent": province,
                "tier": "key" if index % 10 == 0 else "tier3",
                "path": f"{PROVINCE}/{code}/",
                "depth": 1,
            },
        )
        market, _ = Market.objects.get_or_create(territory=city)
        markets.append(market)
    return markets


def _insert_defaults(model, overrides: dict[str, str]) -> tuple[list[str], list[str], list]:
    """Columns and SQL expressions for an INSERT … SELECT: overrides, else field defaults."""
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.name in overrides:
            expressions.append(overrides[field.name])
        elif field.null:
            expressions.append("NULL")
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        else:
            default = field.get_default()
            expressions.append("%s")
            params.append(field.get_db_prep_save(default, connection))
    return columns, expressions, params


def create_data(n: int, markets: list[Market], template_id: int) -> None:
    market_ids = [m.pk for m in markets]
    columns, expressions, params = _insert_defaults(
        Candidate,
        {
            "external_code": "'BENCH-' || g",
            "name": "'基准经销商' || g",
            "market": f"(%s::bigint[])[1 + g % {MARKETS}]",
            "working_capital": "CASE WHEN g % 7 = 0 THEN NULL ELSE 50000 + (g * 7919) % 900000 END",
            "warehouse_m2": "(g * 31) % 1500 + 20",
            "deliverable_outlets_per_week": "(g * 17) % 300 + 5",
            "covered_outlets": "CASE WHEN g % 5 = 0 THEN NULL ELSE (g * 13) % 900 + 10 END",
        },
    )
    market_param_index = expressions.index(f"(%s::bigint[])[1 + g % {MARKETS}]")
    ordered = []
    param_iter = iter(params)
    for index, expression in enumerate(expressions):
        if index == market_param_index:
            ordered.append(market_ids)
        elif expression == "%s":
            ordered.append(next(param_iter))
    expressions = [expression.replace(" % ", " %% ") for expression in expressions]
    ratings = (
        "jsonb_build_object("
        + ", ".join(f"'{code}', 1 + (g * {31 + i * 7} + {i}) % 5" for i, code in enumerate(CODES))
        + ")"
    )
    eval_columns, eval_expressions, eval_params = _insert_defaults(
        Evaluation,
        {
            "candidate": "c.id",
            "template": str(int(template_id)),
            "ratings": ratings,
            "red_flags": "CASE WHEN g % 97 = 0 THEN '[\"diversion\"]'::jsonb ELSE '[]'::jsonb END",
            "submitted": "true",
        },
    )
    eval_expressions = [expression.replace(" % ", " %% ") for expression in eval_expressions]
    with connection.cursor() as cursor:
        # Bulk loading: the audit trail records the recomputation, not the test data.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO {Candidate._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(expressions)} FROM generate_series(1::bigint, %s) g",
            [*ordered, n],
        )
        cursor.execute(
            f"INSERT INTO {Evaluation._meta.db_table} ({', '.join(eval_columns)}) "  # noqa: S608
            f"SELECT {', '.join(eval_expressions)} "
            f"FROM {Candidate._meta.db_table} c "
            f"CROSS JOIN LATERAL (SELECT substr(c.external_code, 7)::bigint AS g) s "
            f"WHERE c.external_code LIKE 'BENCH-%%'",
            eval_params,
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(f"ANALYZE {Candidate._meta.db_table}")
        cursor.execute(f"ANALYZE {Evaluation._meta.db_table}")


def delete_data() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"DELETE FROM {Evaluation._meta.db_table} WHERE candidate_id IN "  # noqa: S608
            f"(SELECT id FROM {Candidate._meta.db_table} WHERE external_code LIKE 'BENCH-%%')"
        )
        cursor.execute(
            f"DELETE FROM {Candidate._meta.db_table} WHERE external_code LIKE 'BENCH-%%'"  # noqa: S608
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    vacuum()


def vacuum() -> None:
    """What autovacuum does between jobs in real life; keeps runs comparable here."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Evaluation._meta.db_table}")


def timed_job(template: ScorecardTemplate, label: str) -> float:
    vacuum()
    job = RecomputeJob.objects.create(kind="template", template=template)
    started = time.perf_counter()
    job = services.recompute_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    print(
        f"{label:<40} {elapsed:7.2f} s   processed {job.processed:>9,}   changed {job.changed:>9,}"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    template = ScorecardTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME, status="published")
    markets = bench_markets()
    if not Candidate.objects.filter(external_code="BENCH-1").exists():
        started = time.perf_counter()
        create_data(args.n, markets, template.pk)
        print(
            f"created {args.n:,} candidates + evaluations in {time.perf_counter() - started:.1f} s"
        )
    total = Evaluation.objects.count()
    print(f"evaluations in the database: {total:,}")

    timed_job(
        ScorecardTemplate.objects.filter(status="published").first(), "first scoring (all change)"
    )
    timed_job(ScorecardTemplate.objects.filter(status="published").first(), "re-run (none change)")

    with transaction.atomic():
        published = ScorecardTemplate.objects.get(status="published")
        draft = services.template_new_draft(template_id=published.pk)
        weights = {
            "willingness": 30,
            "reputation": 20,
            "marketing": 10,
            "market": 15,
            "management": 15,
            "strength": 10,
        }
        if published.version % 2 == 0:
            weights = {c[0]: c[3] for c in DEFAULT_CRITERIA}
        for code, weight in weights.items():
            Criterion.objects.filter(template=draft, code=code).update(weight=weight)
        ScorecardTemplate.objects.filter(name=draft.name, status="published").update(
            status="retired"
        )
        draft.status = "published"
        draft.published_at = timezone.now()
        draft.save()
    timed_job(draft, f"new template v{draft.version} (scores change)")
    timed_job(draft, "re-run (none change)")
    if not args.keep:
        delete_data()


if __name__ == "__main__":
    main()
