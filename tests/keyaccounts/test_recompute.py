import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dealerhub.core import jobs
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


def test_a_job_running_elsewhere_is_not_run_again(world, template):
    job = RecomputeJob.objects.create(template=template)
    assert jobs.claim(
        RecomputeJob.objects, pk=job.pk, ready=["queued"], running="running", token="other"
    )

    assert services.assessments_recompute(job_id=job.pk) is None
    assert RecomputeJob.objects.values_list("claimed_by", "attempts").get() == ("other", 1)


def test_sweep_requeues_jobs_stuck_queued_or_silent_and_gives_up_on_dying_ones(
    world, template, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        jobs.current_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: sent.append((name, args)),
    )
    long_ago = timezone.now() - timedelta(hours=1)
    lost = RecomputeJob.objects.create(template=template)
    silent = RecomputeJob.objects.create(template=template, status="running", attempts=1)
    dying = RecomputeJob.objects.create(
        template=template, status="running", attempts=jobs.PROGRESS_MAX_CLAIMS
    )
    RecomputeJob.objects.update(updated_at=long_ago)
    busy = RecomputeJob.objects.create(template=template, status="running", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.recompute_jobs_sweep(now=timezone.now()) == 2

    assert sorted(sent) == [
        ("keyaccounts.tasks.recompute_assessments", [lost.pk]),
        ("keyaccounts.tasks.recompute_assessments", [silent.pk]),
    ]
    assert dict(RecomputeJob.objects.values_list("pk", "status")) == {
        lost.pk: "queued",
        silent.pk: "queued",
        dying.pk: "failed",
        busy.pk: "running",
    }
