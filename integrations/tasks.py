import time

import requests
from celery import shared_task
from django.conf import settings

from dealerhub.core import idempotency
from dealerhub.core.jobs import RETRY_OPTIONS

from . import services
from .choices import DeliveryStatus
from .models import WebhookDelivery


@shared_task(**RETRY_OPTIONS)
def deliver_webhook(delivery_id: int) -> str:
    """POST one signed delivery once; a failure is retried later by the sweep.

    The delivery is claimed first, so a duplicate message sends nothing. A worker that
    dies after the POST but before recording it makes the sweep send it again: receivers
    see each event at least once and drop repeats by X-DealerHub-Delivery.
    """
    if not services.webhook_claim(delivery_id=delivery_id):
        return "nothing to do"  # delivered, given up, not due, or taken by another run
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
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
    return services.webhook_record_outcome(
        delivery_id=delivery_id, status_code=status_code, error=error, duration_ms=duration_ms
    )


@shared_task
def purge_idempotency_keys() -> int:
    """Drop idempotency keys past their lifetime (the records live in the core)."""
    return idempotency.purge()
