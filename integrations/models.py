import secrets

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealerhub.core.scoping import ScopedQuerySet

from .choices import Access, DeliveryStatus, WebhookEvent

# Every resource an ERP token can be scoped to; the API viewsets name theirs in
# `sync_resource`. Keep in step with the API (a test checks every viewset's name is here).
RESOURCES = [
    ("territories", _("Territories")),
    ("markets", _("Markets")),
    ("outlets", _("Outlets")),
    ("surveys", _("Market surveys")),
    ("market-plans", _("Market plans")),
    ("dealer-candidates", _("Dealer candidates")),
    ("dealers", _("Dealers")),
    ("evaluations", _("Evaluations and scores")),
    ("key-accounts", _("Key accounts")),
    ("targets", _("Targets")),
    ("products", _("Products")),
    ("sell-in-lines", _("Sell-in lines")),
    ("collections", _("Collections")),
    ("changes", _("Changes feed")),
]
RESOURCE_NAMES = [name for name, _label in RESOURCES]
ALL = "*"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ApiClient(models.Model):
    """An ERP system using the API: its user (territory scope), resource scopes and limits."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    # {"territories": "write", "dealers": "read"}; the key "*" covers every resource.
    resource_scopes = models.JSONField(_("resource scopes"), default=dict, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=1200)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ERP client")
        verbose_name_plural = _("ERP clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def access_to(self, resource: str) -> str | None:
        """'read', 'write' or None for a resource, following the '*' wildcard."""
        return self.resource_scopes.get(resource) or self.resource_scopes.get(ALL)

    def can(self, resource: str, *, write: bool) -> bool:
        access = self.access_to(resource)
        if access is None or not self.is_active:
            return False
        return access == Access.WRITE if write else access in (Access.READ, Access.WRITE)


class TombstoneQuerySet(ScopedQuerySet):
    def _path_lookup(self) -> str:
        # The record is gone, so its territory path was copied onto the tombstone.
        return "territory_path__startswith"


class Tombstone(models.Model):
    """A deleted synced record, so incremental pulls see deletions instead of silence."""

    resource = models.CharField(max_length=40)
    external_code = models.CharField(max_length=64)
    # Path of the territory the record hung off, for scoping after the record is gone.
    territory_path = models.CharField(max_length=255)
    deleted_at = models.DateTimeField(auto_now_add=True)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [
            models.Index(fields=["deleted_at", "id"], name="tombstone_cursor"),
            models.Index(
                fields=["territory_path"], name="tombstone_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource}/{self.external_code} deleted {self.deleted_at:%Y-%m-%d}"


def _new_secret() -> str:
    return secrets.token_hex(32)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class WebhookSubscription(models.Model):
    """A client's subscription to one event type, delivered to a URL signed with a secret."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="subscriptions")
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_reason = models.CharField(_("paused because"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["client__name", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "event", "url"], name="webhook_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_event_display()}"


class WebhookDelivery(models.Model):
    """One event to deliver to one subscription, retried with backoff until it succeeds."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField()
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due. A worker pushes it ahead while it sends (its lease),
    # so a delivery whose worker died becomes due again and the sweep re-sends it.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a message for it was last handed to the broker.
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            # The sweep's look-up of due deliveries; finished ones are most rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the delivery log shown to admins."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class AdminNotice(models.Model):
    """A message for HQ admins shown on their home page until dismissed."""

    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
