"""Background work for sales facts (services do it; tasks are idempotent by design:
a refresh folds whatever the backlog holds, and partitions are created if missing)."""

from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS

from . import services


@shared_task(**RETRY_OPTIONS)
def refresh_summaries() -> int:
    """Fold the (month, dealer) backlog into the monthly summaries."""
    return services.summaries_refresh()


@shared_task(**RETRY_OPTIONS)
def recheck_summaries() -> int:
    """Nightly: compare the summaries with a full aggregation and fix what drifted."""
    return services.summaries_recheck()


@shared_task(**RETRY_OPTIONS)
def ensure_partitions() -> int:
    """Nightly: month partitions of the sell-in table a year ahead."""
    return services.partitions_ensure()
