import time

import requests
from celery import shared_task
from django.conf import settings

from dealerhub.core import idempotency

from . import services
from .choices import DeliveryStatus
from .models import WebhookDelivery

MAX_ATTEMPTS = 12  # 1 min doubling to ~34 h: the pause rule (3 failing days) ends the rest


def backoff_seconds(retries: int) -> int:
    """Exponential backoff: 1, 2, 4 … minutes, capped at 6 hours."""
    return min(60 * 2**retries, 6 * 3600)


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id: int) -> str:
    """POST one signed delivery; retry with exponential backoff until it succeeds."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id)
        .exclude(status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.GAVE_UP])
        .first()
    )
    if delivery is None:
        return "nothing to do"  # idempotent: already delivered or given up
    subscription = delivery.subscription
    if subscription.paused_at is not None or not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SKIPPED)
        return DeliveryStatus.SKIPPED
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DealerHub-Webhooks/1",
        "X-DealerHub-Event": delivery.event,
        "X-DealerHub-Delivery": str(delivery.event_id),
        "X-DealerHub-Signature": services.sign(subscription.secret, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10),
            allow_redirects=False,
        )
        status_code = response.status_code
    except requests.RequestException as exc:
        error = exc.__class__.__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    final = self.request.retries >= self.max_retries
    outcome = services.webhook_record_outcome(
        delivery_id=delivery_id,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
        final=final,
    )
    if outcome == DeliveryStatus.FAILED:
        raise self.retry(countdown=backoff_seconds(self.request.retries))
    return outcome


@shared_task
def purge_idempotency_keys() -> int:
    """Drop idempotency keys past their lifetime (the records live in the core)."""
    return idempotency.purge()
