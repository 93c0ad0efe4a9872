"""Writes for ERP clients, tokens, idempotency records, tombstones and webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Role
from dealerhub.core import jobs
from dealerhub.core.jobs import enqueue_on_commit
from dealerhub.core.scoping import allowed_paths, path_visible

from .choices import Access, DeliveryStatus
from .models import (
    ALL,
    RESOURCE_NAMES,
    AdminNotice,
    ApiClient,
    Tombstone,
    WebhookDelivery,
    WebhookSubscription,
)

PAUSE_AFTER_FAILING_FOR = timedelta(days=3)
WEBHOOK_MAX_ATTEMPTS = 12  # 1 min doubling to ~34 h: the pause rule (3 failing days) ends the rest
# An attempt takes at most the HTTP timeout (WEBHOOK_TIMEOUT_SECONDS, 10 s); one claimed
# longer ago than the lease lost its worker. A pending delivery whose message is older
# than WEBHOOK_REQUEUE_AFTER is re-sent by the sweep.
WEBHOOK_LEASE = timedelta(seconds=60)
WEBHOOK_REQUEUE_AFTER = timedelta(seconds=120)


# --- Clients and tokens ------------------------------------------------------------------


def validate_resource_scopes(scopes: dict[str, str]) -> None:
    errors = []
    for resource, access in scopes.items():
        if resource != ALL and resource not in RESOURCE_NAMES:
            errors.append(_("Unknown resource %(name)s.") % {"name": resource})
        if access not in Access.values:
            errors.append(_("Access must be read or write, not %(value)s.") % {"value": access})
    if errors:
        raise ValidationError({"resource_scopes": errors})


@transaction.atomic
def api_client_create(
    *,
    name: str,
    resource_scopes: dict[str, str],
    all_territories: bool,
    territory_ids: list[int] | None = None,
    token_expires_at: datetime | None = None,
) -> tuple[ApiClient, str]:
    """Create an ERP client with its API user and a first token; returns the raw token once."""
    validate_resource_scopes(resource_scopes)
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError({"name": _("An ERP client with this name exists.")})
    username = f"erp-{slugify(name, allow_unicode=False) or uuid.uuid4().hex[:8]}"
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        username = f"{username}-{uuid.uuid4().hex[:6]}"
    user = user_model(
        username=username, role=Role.ERP_CLIENT, all_territories=all_territories, display_name=name
    )
    user.set_unusable_password()  # API only: never logs in to the web UI
    user.full_clean()
    user.save()
    if territory_ids:
        user.territories.set(territory_ids)
    client = ApiClient(name=name, user=user, resource_scopes=resource_scopes)
    client.full_clean()
    client.save()
    _token, raw = ApiToken.issue(user=user, name=_("initial token"), expires_at=token_expires_at)
    return client, raw


def api_token_issue(
    *, client: ApiClient, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=client.user, name=name, expires_at=expires_at)


def api_token_revoke(*, token_id: int, client: ApiClient) -> int:
    """Revoke a token of this client; revoking twice is harmless."""
    return ApiToken.objects.filter(pk=token_id, user=client.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- Tombstones ----------------------------------------------------------------------------


def tombstone_record(*, resource: str, external_code: str, territory_path: str) -> Tombstone:
    return Tombstone.objects.create(
        resource=resource, external_code=external_code, territory_path=territory_path
    )


# --- Webhooks ------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_publish(*, event: str, data: dict, territory_path: str) -> list[int]:
    """Queue one delivery per active subscription whose client may see the territory.

    Domain services call this inside their transaction; deliveries are sent after commit.
    """
    from .tasks import deliver_webhook

    event_id = uuid.uuid4()
    body = json.dumps(
        {
            "id": str(event_id),
            "event": event,
            "occurred_at": timezone.now().isoformat(),
            "data": data,
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    subscriptions = WebhookSubscription.objects.filter(
        event=event, is_active=True, paused_at__isnull=True, client__is_active=True
    ).select_related("client__user")
    ids = []
    for subscription in subscriptions:
        if not path_visible(territory_path, allowed_paths(subscription.client.user)):
            continue
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event=event, event_id=event_id, body=body
        )
        ids.append(delivery.pk)
    for delivery_id in ids:
        enqueue_on_commit(deliver_webhook, delivery_id)
    return ids


def backoff_seconds(attempts: int) -> int:
    """Wait after the n-th failed attempt (0-based): 1, 2, 4 … minutes, capped at 6 hours."""
    return min(60 * 2**attempts, 6 * 3600)


def webhook_claim(*, delivery_id: int) -> bool:
    """Take a due delivery for one attempt (conditional UPDATE); True if this call won.

    The due time moves WEBHOOK_LEASE ahead, so a second message for the same delivery
    finds nothing to do, and a delivery whose worker died is due again after the lease.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + WEBHOOK_LEASE)
    return claimed == 1


def webhooks_sweep(*, now) -> int:
    """Send the deliveries that are due: failed ones whose backoff is over, and pending
    ones whose message is older than WEBHOOK_REQUEUE_AFTER (lost, or its worker died).

    Retries are scheduled here rather than with Celery countdowns: Redis holds a
    countdown message unacknowledged, and one longer than the visibility timeout would
    be delivered twice.
    """
    from .tasks import deliver_webhook

    due = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now
    ).filter(
        Q(status=DeliveryStatus.FAILED)
        | Q(queued_at__lt=jobs.older_than(now, WEBHOOK_REQUEUE_AFTER.total_seconds()))
    )
    with transaction.atomic():
        ids = jobs.take(due, status=DeliveryStatus.PENDING, queued_at=now)
        for delivery_id in ids:
            enqueue_on_commit(deliver_webhook, delivery_id)
    return len(ids)


def webhook_record_outcome(
    *, delivery_id: int, status_code: int | None, error: str, duration_ms: int
) -> str:
    """Log one attempt; mark the delivery (and when to try again) and keep the
    subscription's failure streak. The last allowed attempt that fails gives up."""
    from .models import WebhookAttempt

    now = timezone.now()
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("subscription")
            .get(pk=delivery_id)
        )
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error[:300], duration_ms=duration_ms
        )
        delivery.attempts += 1
        subscription = delivery.subscription
        if ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, now
            WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        elif delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.GAVE_UP
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + timedelta(
                seconds=backoff_seconds(delivery.attempts - 1)
            )
        if not ok:
            failing_since = subscription.failing_since or now
            if subscription.failing_since is None:
                WebhookSubscription.objects.filter(
                    pk=subscription.pk, failing_since__isnull=True
                ).update(failing_since=now)
            if now - failing_since >= PAUSE_AFTER_FAILING_FOR and subscription.paused_at is None:
                webhook_pause(subscription=subscription, now=now)
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery.status


def webhook_pause(*, subscription: WebhookSubscription, now: datetime) -> None:
    reason = _("The receiver has failed for 3 days in a row.")
    updated = WebhookSubscription.objects.filter(pk=subscription.pk, paused_at__isnull=True).update(
        paused_at=now, paused_reason=reason
    )
    if updated:
        AdminNotice.objects.create(
            message=_("Webhook %(subscription)s to %(url)s was paused: %(reason)s")
            % {"subscription": subscription, "url": subscription.url, "reason": reason}
        )


def webhook_resume(*, subscription_id: int) -> None:
    WebhookSubscription.objects.filter(pk=subscription_id).update(
        paused_at=None, paused_reason="", failing_since=None
    )


def ensure_unique_subscription(*, client: ApiClient, event: str, url: str) -> None:
    try:
        with transaction.atomic():
            WebhookSubscription.objects.create(client=client, event=event, url=url)
    except IntegrityError as exc:
        raise ValidationError({"url": _("This client already has that subscription.")}) from exc
