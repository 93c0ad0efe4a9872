"""Dealer candidates pushed in bulk: set-based, one result per record, history kept."""

import pytest

from dealerhub.core import jobs
from dealers.models import Candidate, RecomputeJob, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        jobs.current_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: calls.append((name, args)),
    )
    return calls


def test_bulk_creates_candidates_with_their_first_history_line(token_client, manager, world):
    response = token_client(manager).post(
        "/api/v1/dealer-candidates/bulk",
        {
            "records": [
                {
                    "external_code": "B-1",
                    "name": "深圳一号商行",
                    "market": "440300",
                    "source": "online",
                },
                {"external_code": "B-2", "name": "长沙二号", "market": "430100"},
                {"external_code": "B-3", "name": "", "market": "440300"},
            ]
        },
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error", "error"]
    assert list(results[1]["errors"]) == ["market"]
    candidate = Candidate.objects.get(external_code="B-1")
    assert (candidate.stage, candidate.source, candidate.outlets_by_channel) == (
        "prospect",
        "online",
        {},
    )
    assert StageChange.objects.get(candidate=candidate).to_stage == "prospect"


def test_capacity_change_queues_a_rescore_of_the_market(
    token_client, manager, sz_candidate, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(manager).post(
            "/api/v1/dealer-candidates/bulk",
            {
                "records": [
                    {
                        "external_code": "SZ-001",
                        "name": sz_candidate.name,
                        "market": "440300",
                        "working_capital": "999999.00",
                    },
                ]
            },
            format="json",
        )

    assert response.json()["results"][0]["status"] == "updated"
    job = RecomputeJob.objects.get(kind="market", market_id=sz_candidate.market_id)
    assert queued == [("dealers.tasks.run_recompute_job", [job.pk])]


def test_unchanged_records_queue_nothing(
    token_client, manager, sz_candidate, queued, django_capture_on_commit_callbacks
):
    record = {"external_code": "SZ-001", "name": sz_candidate.name, "market": "440300"}

    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(manager).post(
            "/api/v1/dealer-candidates/bulk", {"records": [record]}, format="json"
        )

    assert response.json()["counts"] == {"unchanged": 1}
    assert queued == []
