from django.db import models
from django.utils.translation import gettext_lazy as _


class Access(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class WebhookEvent(models.TextChoices):
    DEALER_SIGNED = "dealer.signed", _("Dealer signed")
    EVALUATION_DECISION_CHANGED = "evaluation.decision_changed", _("Evaluation decision changed")
    KA_QUADRANT_CHANGED = "key_account.quadrant_changed", _("KA quadrant changed")
    PROMOTION_APPROVED = "promotion.approved", _("Promotion approved")
    DIVERSION_CASE_CONFIRMED = "diversion_case.confirmed", _("Diversion case confirmed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")
    SKIPPED = "skipped", _("Skipped (subscription paused)")
