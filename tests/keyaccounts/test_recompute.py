import time
from decimal import Decimal

import pytest

from keyaccounts import scoring, services
from keyaccounts.models import Assessment, RecomputeJob

from .conftest import MEASURES
from .factories import KeyAccountFactory


def stricter_criteria():
    """Turnover bands doubled: the same measures now score lower."""
    return [
        scoring.Criterion(c.measure, c.axis, c.weight, c.kind, tuple(e * 2 for e in c.edges))
        if c.measure == "annual_turnover"
        else c
        for c in scoring.DEFAULT_CRITERIA
    ]


def seed_assessments(world, count: int) -> None:
    for index in range(count):
        account = KeyAccountFactory(territory=world.shenzhen)
        services.assessment_upsert(
            account=account, year=2025, measures=MEASURES | {"skus_carried": index}
        )


def test_recompute_rescores_in_batches_and_is_idempotent(world, template, monkeypatch):
    monkeypatch.setattr(services, "RECOMPUTE_BATCH", 2)
    seed_assessments(world, 5)
    new = services.template_create(name="严格", criteria=stricter_criteria())
    job = RecomputeJob.objects.create(template=new)

    first = services.assessments_recompute(job_id=job.pk)
    again = RecomputeJob.objects.create(template=new)
    second = services.assessments_recompute(job_id=again.pk)

    assert (first.status, first.total, first.processed, first.changed) == ("done", 5, 5, 5)
    assert (second.processed, second.changed) == (5, 0)
    assert set(Assessment.objects.values_list("template_id", "attractiveness")) == {
        (new.pk, Decimal("40.00"))  # turnover 350000 is now level 1: 56 - 24 + 8
    }


def test_finished_job_is_not_run_again(world, template):
    job = RecomputeJob.objects.create(template=template, status="done")

    assert services.assessments_recompute(job_id=job.pk) is None


@pytest.mark.django_db(transaction=True)
def test_recompute_runs_through_a_real_worker(world, celery_worker_thread):
    services.default_template()
    seed_assessments(world, 3)
    new = services.template_create(name="严格", criteria=stricter_criteria())

    job = services.template_make_default(template_id=new.pk)  # queued on commit (autocommit)

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == "done":
            break
        time.sleep(0.1)
    assert (job.status, job.processed, job.changed) == ("done", 3, 3)
    assert set(Assessment.objects.values_list("template__version", flat=True)) == {2}
