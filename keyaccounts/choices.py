from django.db import models
from django.utils.translation import gettext_lazy as _

from dealerhub.core.models import JobStatus  # noqa: F401 - one job status for every app

from . import scoring


class AccountFormat(models.TextChoices):
    HYPERMARKET = "hypermarket", _("Hypermarket")
    SUPERMARKET = "supermarket", _("Supermarket")
    WAREHOUSE_CLUB = "warehouse_club", _("Warehouse club")
    DISCOUNTER = "discounter", _("Discounter")
    CONVENIENCE = "convenience", _("Convenience chain")


class DistributionMode(models.TextChoices):
    CENTRAL = "central", _("Central warehouse")
    DIRECT = "direct", _("Direct to store")
    MIXED = "mixed", _("Mixed")


class Axis(models.TextChoices):
    ATTRACTIVENESS = scoring.ATTRACTIVENESS, _("Attractiveness")
    SUPPORTIVENESS = scoring.SUPPORTIVENESS, _("Supportiveness")


class CriterionKind(models.TextChoices):
    HIGHER = scoring.HIGHER_IS_BETTER, _("Higher is better (edges are lower bounds)")
    LOWER = scoring.LOWER_IS_BETTER, _("Lower is better (edges are upper bounds)")
    RATING = scoring.DIRECT_RATING, _("Rated 1–5 directly")


class Measure(models.TextChoices):
    """Raw measures an assessment holds; templates pick criteria from these."""

    ANNUAL_TURNOVER = "annual_turnover", _("Annual turnover with us (¥)")
    GROWTH_RATE = "growth_rate", _("Growth rate (%)")
    DSO_DAYS = "dso_days", _("DSO (days)")
    PROFITABILITY = "profitability", _("Profitability (%)")
    MARKET_SHARE = "market_share", _("Market share (%)")
    MERCHANDISING_SHARE = "merchandising_share", _("Merchandising share (%)")
    ACTIVITY_SHARE = "activity_share", _("Activity share (%)")
    SKUS_CARRIED = "skus_carried", _("SKUs carried (count)")
    BUYER_RELATIONSHIP = "buyer_relationship", _("Working relationship with buyer (1–5)")
    PRODUCT_DISTRIBUTION = "product_distribution", _("Product distribution (%)")
    INVENTORY_DAYS = "inventory_days", _("Inventory holding days")


class Quadrant(models.TextChoices):
    STAR = scoring.STAR, _("Star 明星")
    QUESTION_MARK = scoring.QUESTION_MARK, _("Question mark 问题")
    CASH_COW = scoring.CASH_COW, _("Cash cow 现金牛")
    DOG = scoring.DOG, _("Dog 瘦狗")


QUADRANT_STRATEGY = {
    scoring.STAR: (
        _("Big opportunity, strong position"),
        _("High level of calls; maintain relationship and status."),
    ),
    scoring.QUESTION_MARK: (
        _("Big opportunity, weak position"),
        _("High level of calls; improve relationship; strive for support."),
    ),
    scoring.CASH_COW: (
        _("Limited future, strong position"),
        _("Moderate calls; maintain relationship; try to stimulate growth."),
    ),
    scoring.DOG: (
        _("Low opportunity, weak position"),
        _("Minimum calls; improve relationship if possible; keep presence."),
    ),
}


class DmuRole(models.TextChoices):
    OWNER = "owner", _("Owner (sets policy)")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    BUYER = "buyer", _("Buyer")
    IMPLEMENTER = "implementer", _("User / implementer")
    INFLUENCER = "influencer", _("Influencer")
    AUTHORIZER = "authorizer", _("Authorizer")


class Department(models.TextChoices):
    MERCHANDISING = "merchandising", _("Merchandising / buying")
    STORE_OPERATIONS = "store_operations", _("Store operations")
    LOGISTICS = "logistics", _("Logistics")
    ADVERTISING = "advertising", _("A&P")
    FINANCE = "finance", _("Finance")
    BUSINESS_DEVELOPMENT = "business_development", _("Business development")
    HR = "hr", _("HR")
    SPACE_PLANNING = "space_planning", _("Space planning")
    PRODUCT_DATABASE = "product_database", _("Product database")
    MARKET_RESEARCH = "market_research", _("Market research")
    PRICE_CHECKING = "price_checking", _("Price checking")
    MANAGEMENT = "management", _("Management")


class ComparisonAspect(models.TextChoices):
    SALES_SHARE = "sales_share", _("Sales share")
    DISPLAY_SHARE = "display_share", _("Display share")
    DISPLAY_POSITION = "display_position", _("Display position")
    FLOOR_STACK_SKUS = "floor_stack_skus", _("Floor-stack SKUs")
    MAIN_SKUS = "main_skus", _("Main SKUs")
    POP = "pop", _("POP")
    PROMOTION_STRENGTH = "promotion_strength", _("Promotion strength")
    PRICE = "price", _("Price")
    MERCHANDISERS = "merchandisers", _("Merchandisers")
    PROMOTERS = "promoters", _("Promoters")
    DELIVERY_SERVICE = "delivery_service", _("Delivery service")
    DEDUCTION_POINTS = "deduction_points", _("Deduction points (扣点)")
    OTHER_SUPPORT = "other_support", _("Other support")


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")
