from django.db import models
from django.utils.translation import gettext_lazy as _

from dealerhub.core import events


class Access(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class WebhookEvent(models.TextChoices):
    DEALER_SIGNED = events.DEALER_SIGNED, _("Dealer signed")
    EVALUATION_DECISION_CHANGED = (
        events.EVALUATION_DECISION_CHANGED,
        _("Evaluation decision changed"),
    )
    KA_QUADRANT_CHANGED = events.KA_QUADRANT_CHANGED, _("KA quadrant changed")
    PROMOTION_APPROVED = events.PROMOTION_APPROVED, _("Promotion approved")
    DIVERSION_CASE_CONFIRMED = events.DIVERSION_CASE_CONFIRMED, _("Diversion case confirmed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")
    SKIPPED = "skipped", _("Skipped (subscription paused)")
