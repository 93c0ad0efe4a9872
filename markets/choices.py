from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture city")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")


LEVEL_RANK = {
    TerritoryLevel.PROVINCE: 0,
    TerritoryLevel.CITY: 1,
    TerritoryLevel.COUNTY: 2,
    TerritoryLevel.TOWN: 3,
}


class CityTier(models.TextChoices):
    KEY = "key", _("Key city")
    TIER2 = "tier2", _("Tier-2 city")
    TIER3 = "tier3", _("Tier-3 city")


class MarketStatus(models.TextChoices):
    BLANK = "blank", _("Blank")
    RESEARCHING = "researching", _("Researching")
    TRIAL = "trial", _("Trial sales")
    DEVELOPING = "developing", _("Developing")
    DEVELOPED = "developed", _("Developed")
    STABLE = "stable", _("Stable")
    PAUSED = "paused", _("Paused")


class Channel(models.TextChoices):
    """Sales channels a market plan, a dealer contract and an outlet refer to."""

    KA = "ka", _("KA (modern trade)")
    TRADITIONAL = "traditional", _("Traditional trade / wholesale")
    CATERING = "catering", _("Catering")
    CANTEEN = "canteen", _("Canteens and group buying")
    RETAIL = "retail", _("Retail stores")


class OutletKind(models.TextChoices):
    KA_STORE = "ka_store", _("KA store")
    WHOLESALE = "wholesale", _("Wholesale trader")
    CATERING = "catering", _("Catering outlet")
    CANTEEN = "canteen", _("Canteen")
    SMALL_STORE = "small_store", _("Small store")


OUTLET_KIND_CHANNEL = {
    OutletKind.KA_STORE: Channel.KA,
    OutletKind.WHOLESALE: Channel.TRADITIONAL,
    OutletKind.CATERING: Channel.CATERING,
    OutletKind.CANTEEN: Channel.CANTEEN,
    OutletKind.SMALL_STORE: Channel.RETAIL,
}
