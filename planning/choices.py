from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """What a target counts: sell-in value (¥), volume in standard units, collections (¥)."""

    SELL_IN_VALUE = "sell_in_value", _("Sell-in value (¥)")
    STANDARD_UNITS = "standard_units", _("Standard units")
    COLLECTIONS = "collections", _("Collections (¥)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed by the manager")
    APPROVED = "approved", _("Approved by HQ")


class RevisionSource(models.TextChoices):
    GRID = "grid", _("Grid")
    IMPORT = "import", _("Excel import")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")


MONTHS = tuple(range(1, 13))
