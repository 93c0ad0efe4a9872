"""A real task through a real Celery worker and the real Redis broker (not eager mode)."""

import time

import pytest

from dealerhub.core import jobs
from markets.models import Territory
from markets.tasks import refresh_territory_counts


@pytest.mark.worker
def test_task_round_trip_through_worker(world, celery_worker_thread):
    jobs.enqueue_on_commit(refresh_territory_counts)  # autocommit: sent right away

    deadline = time.monotonic() + 20
    while Territory.objects.get(code="440000").county_count != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Territory.objects.get(code="440000").county_count == 1


def test_celery_app_is_configured_for_reliability():
    from dealerhub.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    # No result is read, so no result store can hold up a request or a worker.
    assert app.conf.task_ignore_result is True
    assert app.conf.result_backend is None
    # Workers outlive a Redis outage; publishing to a dead Redis fails fast.
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.task_publish_retry_policy["max_retries"] <= 1


def test_visibility_timeout_outlasts_every_task_that_may_be_redelivered():
    """Redis redelivers a message unacknowledged for the visibility timeout: it must be
    longer than a task's hard limit plus its longest retry wait, or a task still running
    would be delivered twice. Recomputes run longer and rely on their claim instead."""
    from dealerhub.celery import app
    from dealers.tasks import render_sheets

    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest_retry_wait = jobs.RETRY_OPTIONS["retry_backoff_max"]
    assert 300 <= visibility <= 900  # minutes, not the hour a killed worker used to cost
    assert app.conf.task_time_limit + longest_retry_wait <= visibility
    assert render_sheets.time_limit + longest_retry_wait <= visibility


def test_every_job_retries_transient_errors_only_with_bounded_backoff():
    from dealerhub.celery import app

    app.loader.import_default_modules()
    ours = ("dealers.", "keyaccounts.", "markets.", "integrations.", "dealerhub.")
    retrying = {
        name: (task.autoretry_for, task.retry_backoff_max, task.max_retries)
        for name, task in app.tasks.items()
        if name.startswith(ours) and getattr(task, "autoretry_for", ())
    }

    assert set(retrying) >= {
        "dealers.tasks.render_sheets",
        "dealers.tasks.run_recompute_job",
        "keyaccounts.tasks.recompute_assessments",
        "integrations.tasks.deliver_webhook",
        "markets.tasks.refresh_territory_counts",
        "dealerhub.core.tasks.sweep_jobs",
    }
    assert set(retrying.values()) == {(jobs.TRANSIENT_ERRORS, 60, 5)}
