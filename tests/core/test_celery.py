"""A real task through a real Celery worker and the real Redis broker (not eager mode)."""

import pytest

from markets.models import Territory
from markets.tasks import refresh_territory_counts


@pytest.mark.worker
def test_task_round_trip_through_worker(world, celery_worker_thread):
    result = refresh_territory_counts.delay()

    assert result.get(timeout=20) == 2
    assert Territory.objects.get(code="440000").county_count == 1


def test_celery_app_is_configured_for_reliability():
    from dealerhub.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
