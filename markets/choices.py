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


STATUS_ORDER = [
    MarketStatus.BLANK,
    MarketStatus.RESEARCHING,
    MarketStatus.TRIAL,
    MarketStatus.DEVELOPING,
    MarketStatus.DEVELOPED,
    MarketStatus.STABLE,
]


class ChannelModel(models.TextChoices):
    DIRECT = "direct", _("Direct")
    SINGLE = "single", _("Single dealer")
    SEVERAL = "several", _("Several dealers")


class GoodsFlow(models.TextChoices):
    OUT_OF_TOWN = "out_of_town", _("Out-of-town buyers (外埠)")
    LOCAL = "local", _("The city itself")
    BOTH = "both", _("Both")


class SurveySection(models.TextChoices):
    A = "a", _("A. Population and administrative divisions")
    B = "b", _("B. KA stores")
    C = "c", _("C. Wholesale markets")
    D = "d", _("D. Competitors")
    E = "e", _("E. Catering outlets")
    F = "f", _("F. Canteens")
    COSTS = "costs", _("Channel costs")
    FEATURES = "features", _("Special features")


REQUIRED_SURVEY_SECTIONS = ("a", "b", "c", "d", "e", "f")


class ChecklistKey(models.TextChoices):
    DEALERS_COVER_CHANNELS = (
        "dealers_cover_channels",
        _("Dealers signed covering every planned channel"),
    )
    KA_STORES_ENTERED = "ka_stores_entered", _("At least the planned number of KA stores entered")
    DISTRIBUTION_RATE = "distribution_rate", _("Distribution rate ≥ 60% of target outlets")
    SELL_IN_3_MONTHS = "sell_in_3_months", _("Monthly sell-in at target for 3 consecutive months")
    NO_OPEN_CASES = "no_open_cases", _("No unresolved price-dumping or diversion case")


ASSESSMENT_ACTIONS = [
    (1, _("Traffic: transport, parking, taxis at the door, competing stores nearby")),
    (2, _("Shopping environment: store layout, shelf adjacencies")),
    (3, _("Assortment: variety, shelf fullness, sensible prices, fit with our products")),
    (4, _("Competitors' advertising spend in the store")),
    (5, _("Counter placement and forced customer route")),
    (6, _("Best-selling products: varieties, models, prices, support")),
    (7, _("Promotion methods in use")),
    (8, _("Number of category-leading products carried")),
    (9, _("Questions and observation: staff feedback, credit with suppliers, reputation")),
    (10, _("Category throughput and supplier reputation")),
]
