from django.db import models
from django.utils.translation import gettext_lazy as _


class MarginClass(models.TextChoices):
    """Product classes by unit margin rate (厚利 / 薄利 / 微利)."""

    HIGH = "high", _("High margin")
    THIN = "thin", _("Thin margin")
    MICRO = "micro", _("Micro margin")


class LifeCycle(models.TextChoices):
    NEW = "new", _("New")
    GROWTH = "growth", _("Growth")
    DELISTED = "delisted", _("Delisted")


class Level(models.TextChoices):
    """Levels of the achievement drill-down (``selectors.sell_in_by``)."""

    REGION = "region", _("Region")
    MARKET = "market", _("Market")
    DEALER = "dealer", _("Dealer")
    PRODUCT = "product", _("SKU")
