"""Sheet renders and recompute jobs are claimed once and re-sent when stuck (no worker here;
tests/core/test_job_faults.py drives the same paths through real workers)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dealerhub.core import jobs
from dealers import services, sheets
from dealers.models import EvaluationSheet, RecomputeJob

from .conftest import all_ratings

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sent(monkeypatch):
    """(task name, args) of every job handed to the broker."""
    calls = []
    monkeypatch.setattr(
        jobs.current_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: calls.append((name, args)),
    )
    return calls


@pytest.fixture
def sheet(manager, sz_candidate):
    services.evaluation_save(
        candidate_id=sz_candidate.pk, user=manager, ratings=all_ratings(4), submit=True
    )
    return EvaluationSheet.objects.create(candidate=sz_candidate)


def backdate(model, pk, **fields):
    model.objects.filter(pk=pk).update(**{name: timezone.now() - LONG_AGO for name in fields})


def test_a_sheet_whose_render_died_is_queued_again_when_asked_for(
    sheet, sz_candidate, sent, django_capture_on_commit_callbacks
):
    assert jobs.claim(
        EvaluationSheet.objects, pk=sheet.pk, ready=["pending"], running="rendering", token="t1"
    )
    backdate(EvaluationSheet, sheet.pk, claimed_at=True)

    with django_capture_on_commit_callbacks(execute=True):
        again, current = sheets.sheet_for(candidate=sz_candidate, language="zh-hans")

    assert (again.status, again.claimed_by, again.attempts, current) == ("pending", "", 0, False)
    assert sent == [("dealers.tasks.render_sheets", [[sheet.pk]])]
    assert sheets.render_sheet(sheet_id=sheet.pk, token="t2") is True


@pytest.mark.parametrize("status", ["pending", "stale", "rendering"])
def test_a_sheet_in_flight_is_not_queued_again_by_polling(
    sheet, sz_candidate, sent, django_capture_on_commit_callbacks, status
):
    EvaluationSheet.objects.filter(pk=sheet.pk).update(status=status, claimed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        for _poll in range(3):
            assert sheets.sheet_for(candidate=sz_candidate, language="zh-hans")[1] is False

    assert sent == []
    assert EvaluationSheet.objects.get().status == status


def test_a_render_skips_a_sheet_another_run_holds(sheet):
    assert jobs.claim(
        EvaluationSheet.objects, pk=sheet.pk, ready=["pending"], running="rendering", token="a"
    )

    assert sheets.render_sheet(sheet_id=sheet.pk, token="b") is False
    assert sheets.render_sheet(sheet_id=sheet.pk, token="a") is True  # its own redelivery
    assert sheets.render_sheet(sheet_id=sheet.pk, token="a") is False  # done: nothing to do
    assert EvaluationSheet.objects.values_list("status", "version").get() == ("ready", 1)


def test_sweep_resends_sheets_stuck_waiting_or_held_by_a_lost_worker(
    sheet, sz_candidate, cs_candidate, sent, django_capture_on_commit_callbacks
):
    dead = sheet
    jobs.claim(
        EvaluationSheet.objects, pk=dead.pk, ready=["pending"], running="rendering", token="x"
    )
    backdate(EvaluationSheet, dead.pk, claimed_at=True)
    lost = EvaluationSheet.objects.create(candidate=cs_candidate)
    backdate(EvaluationSheet, lost.pk, updated_at=True)
    fresh = EvaluationSheet.objects.create(candidate=sz_candidate, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        assert sheets.sweep_sheets(now=timezone.now()) == 2
        assert sheets.sweep_sheets(now=timezone.now()) == 0  # re-sent rows are fresh again

    assert sent == [("dealers.tasks.render_sheets", [sorted([dead.pk, lost.pk])])]
    assert dict(EvaluationSheet.objects.values_list("pk", "status")) == {
        dead.pk: "pending",
        lost.pk: "pending",
        fresh.pk: "pending",
    }


def test_sweep_gives_up_on_a_sheet_whose_renders_keep_dying(sheet, sent):
    EvaluationSheet.objects.filter(pk=sheet.pk).update(
        status="rendering",
        claimed_by="x",
        claimed_at=timezone.now() - LONG_AGO,
        attempts=sheets.RENDER_MAX_CLAIMS,
    )

    assert sheets.sweep_sheets(now=timezone.now()) == 0

    sheet.refresh_from_db()
    assert sheet.status == "failed"
    assert "3 attempts" in sheet.error
    assert sent == []


def test_sweep_requeues_recompute_jobs_stuck_queued_or_silent(
    world, default_template, sent, django_capture_on_commit_callbacks
):
    lost = RecomputeJob.objects.create(kind="market", market=world.shenzhen_market)
    silent = RecomputeJob.objects.create(kind="market", market=world.changsha_market)
    jobs.claim(RecomputeJob.objects, pk=silent.pk, ready=["queued"], running="running", token="x")
    for job in (lost, silent):
        backdate(RecomputeJob, job.pk, updated_at=True)
    waiting = RecomputeJob.objects.create(kind="market", market=world.guangzhou_market)
    done = RecomputeJob.objects.create(kind="market", market=world.nanshan_market, status="done")
    backdate(RecomputeJob, done.pk, updated_at=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.recompute_jobs_sweep(now=timezone.now()) == 2

    assert sorted(sent) == [
        ("dealers.tasks.run_recompute_job", [lost.pk]),
        ("dealers.tasks.run_recompute_job", [silent.pk]),
    ]
    statuses = dict(RecomputeJob.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: "queued",
        silent.pk: "queued",
        waiting.pk: "queued",
        done.pk: "done",
    }
    # The silent run lost its claim: were it still alive, it could write nothing more.
    assert services.recompute_job_run(job_id=silent.pk, token="new").attempts == 2


def test_a_market_change_reuses_the_job_still_waiting(world, sent):
    first = services.recompute_market(market_id=world.shenzhen_market.pk)
    again = services.recompute_market(market_id=world.shenzhen_market.pk)

    assert again.pk == first.pk
    assert RecomputeJob.objects.count() == 1
