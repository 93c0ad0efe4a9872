from celery import shared_task

from dealerhub.core.jobs import RETRY_OPTIONS

from . import services


@shared_task(**RETRY_OPTIONS)
def refresh_territory_counts() -> int:
    """Recount counties and towns under every territory (idempotent, one statement)."""
    return services.refresh_territory_counts()
