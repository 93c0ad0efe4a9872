from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def refresh_territory_counts() -> int:
    """Recount counties and towns under every territory (idempotent, one statement)."""
    return services.refresh_territory_counts()
