from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.audit import tracked
from dealerhub.core.models import TimeStampedModel

from .choices import (
    ChannelModel,
    ChecklistKey,
    CityTier,
    GoodsFlow,
    MarketStatus,
    OutletKind,
    TerritoryLevel,
)
from .querysets import (
    CompetitorPartQuerySet,
    MarketChildQuerySet,
    MarketQuerySet,
    OutletChildQuerySet,
    OutletQuerySet,
    RatingQuerySet,
    TerritoryQuerySet,
)

PATH_SEPARATOR = "/"


@tracked()
class Territory(TimeStampedModel):
    """A node of the administrative tree: province, prefecture city, county or town."""

    code = models.CharField(_("administrative code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=TerritoryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    # Materialised path of administrative codes ("440000/440300/440305/"): a subtree is
    # one indexed LIKE 'prefix%' query. Codes are what ERPs and imports speak, so the
    # path stays readable; maintained by markets.services, never by hand.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    tier = models.CharField(_("city tier"), max_length=10, choices=CityTier.choices, blank=True)
    population_total = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_urban = models.PositiveIntegerField(_("urban population"), null=True, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    county_count = models.PositiveIntegerField(_("counties below"), default=0, editable=False)
    town_count = models.PositiveIntegerField(_("towns below"), default=0, editable=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="territory_path_like", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "name"], name="territory_level_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level=TerritoryLevel.PROVINCE) & Q(parent__isnull=True))
                | (~Q(level=TerritoryLevel.PROVINCE) & Q(parent__isnull=False)),
                name="territory_only_provinces_are_roots",
            ),
            models.CheckConstraint(
                condition=Q(tier="") | Q(level=TerritoryLevel.CITY),
                name="territory_tier_only_for_cities",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.split(PATH_SEPARATOR) if code][:-1]

    @property
    def strength_tier(self) -> str:
        """The tier dealer-strength rules use: a city's tier, or 'county' below cities."""
        if self.level == TerritoryLevel.CITY:
            return self.tier or CityTier.TIER3
        return "county"


@tracked()
class Market(TimeStampedModel):
    """A territory the company develops (a prefecture city or a county), with its status."""

    territory = models.OneToOneField(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="market"
    )
    status = models.CharField(
        _("development status"),
        max_length=20,
        choices=MarketStatus.choices,
        default=MarketStatus.BLANK,
    )
    status_reason = models.CharField(_("status reason"), max_length=500, blank=True)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="markets",
    )
    income_level = models.CharField(_("income level"), max_length=100, blank=True)
    pillar_industries = models.CharField(_("pillar industries"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = MarketQuerySet.as_manager()

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["territory__path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MarketStatus.PAUSED) | ~Q(status_reason=""),
                name="market_paused_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return self.territory.name


@tracked()
class Outlet(TimeStampedModel):
    """One store or point of sale (KA store, wholesale trader, catering, canteen, small store)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="outlets"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutletKind.choices)
    name = models.CharField(_("name"), max_length=200)
    external_code = models.CharField(
        _("external code"), max_length=64, unique=True, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # When our products were listed (进店) in this store; empty = on file only (e.g.
    # surveyed). "KA stores entered" counts only listed stores.
    listed_on = models.DateField(_("listed since"), null=True, blank=True)
    survey = models.ForeignKey(
        "markets.MarketSurvey",
        verbose_name=_("found in survey"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outlets",
    )
    wholesale_market = models.ForeignKey(
        "markets.WholesaleMarket",
        verbose_name=_("wholesale market"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="traders",
    )

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["territory__path", "name"]
        indexes = [models.Index(fields=["territory", "kind"], name="outlet_territory_kind")]

    def __str__(self) -> str:
        return self.name


def _market_fk(related_name: str):
    return models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name=related_name
    )


class MarketStatusChange(models.Model):
    """One development-status change of a market: who, when, from, to, why, any override."""

    market = _market_fk("status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=MarketStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=MarketStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    focus_confirmed = models.BooleanField(_("focus warning confirmed"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.market}: {self.from_status} → {self.to_status}"


@tracked()
class MarketPlan(TimeStampedModel):
    """A market's development plan: targets, schedule, channel model and required capacity."""

    # What a plan's editors (form, API, service) may set; capacity re-scores dealers.
    PLAN_FIELDS = (
        "sales_target",
        "market_share_target",
        "monthly_sell_in_target",
        "start_date",
        "target_date",
        "schedule",
        "entry_products",
        "price_policy",
        "channel_model",
        "planned_dealer_count",
        "channel_plan",
        "planned_ka_stores",
        "promotion_plan",
        "model_store_plan",
        "working_capital",
        "warehouse_m2",
        "deliverable_outlets_per_week",
        "external_code",
    )
    CAPACITY_FIELDS = (
        "working_capital",
        "warehouse_m2",
        "deliverable_outlets_per_week",
        "channel_plan",
    )

    market = models.OneToOneField(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="plan"
    )
    external_code = models.CharField(
        _("external code"), max_length=64, unique=True, null=True, blank=True
    )
    sales_target = models.DecimalField(
        _("annual sales target (¥)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    market_share_target = models.DecimalField(
        _("market share target (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    monthly_sell_in_target = models.DecimalField(
        _("monthly sell-in target (¥)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    target_date = models.DateField(_("developed by"), null=True, blank=True)
    schedule = models.TextField(_("schedule and milestones"), blank=True)
    entry_products = models.TextField(_("entry product mix"), blank=True)
    price_policy = models.TextField(_("price and rebate policy"), blank=True)
    channel_model = models.CharField(
        _("channel model"), max_length=10, choices=ChannelModel.choices, blank=True
    )
    planned_dealer_count = models.PositiveSmallIntegerField(
        _("planned number of dealers"), null=True, blank=True
    )
    # {channel: {"dealers": n, "outlets": n}} for the channels in markets.choices.Channel
    channel_plan = models.JSONField(_("dealers and outlets per channel"), default=dict, blank=True)
    planned_ka_stores = models.PositiveIntegerField(_("planned KA stores"), null=True, blank=True)
    promotion_plan = models.TextField(_("promotion and advertising plan"), blank=True)
    model_store_plan = models.TextField(_("model-store plan"), blank=True)
    working_capital = models.DecimalField(
        _("required working capital (¥)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    warehouse_m2 = models.DecimalField(
        _("required warehouse (m²)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    deliverable_outlets_per_week = models.PositiveIntegerField(
        _("required deliveries (outlets per week)"), null=True, blank=True
    )

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("market plan")
        verbose_name_plural = _("market plans")
        ordering = ["market__territory__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(market_share_target__isnull=True)
                | Q(market_share_target__gte=0, market_share_target__lte=100),
                name="plan_share_is_percent",
            ),
            models.CheckConstraint(
                condition=Q(working_capital__isnull=True) | Q(working_capital__gte=0),
                name="plan_working_capital_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.market)

    @property
    def planned_channels(self) -> list[str]:
        return [channel for channel, row in (self.channel_plan or {}).items() if row]


class ChecklistCriterion(models.Model):
    """One item of the success checklist for markets of a territory level (configurable)."""

    level = models.CharField(_("level"), max_length=10, choices=TerritoryLevel.choices)
    key = models.CharField(_("item"), max_length=40, choices=ChecklistKey.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("success checklist item")
        verbose_name_plural = _("success checklist items")
        ordering = ["level", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["level", "key"], name="checklist_level_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_key_display()}"


@tracked()
class ChecklistTick(TimeStampedModel):
    """A hand-ticked checklist item of one market, with its evidence."""

    market = _market_fk("checklist_ticks")
    key = models.CharField(_("item"), max_length=40, choices=ChecklistKey.choices)
    met = models.BooleanField(_("met"), default=True)
    evidence = models.CharField(_("evidence"), max_length=500)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(fields=["market", "key"], name="checklist_tick_unique"),
            models.CheckConstraint(condition=~Q(evidence=""), name="checklist_tick_has_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.market}: {self.key}"


@tracked()
class MarketSurvey(TimeStampedModel):
    """A dated market survey owned by a rep (sections A–F, channel costs, special features)."""

    market = _market_fk("surveys")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.PROTECT,
        related_name="market_surveys",
    )
    external_code = models.CharField(
        _("external code"), max_length=64, unique=True, null=True, blank=True
    )
    surveyed_on = models.DateField(_("survey date"))
    # A. population and administrative divisions
    county_count = models.PositiveIntegerField(_("counties"), null=True, blank=True)
    town_count = models.PositiveIntegerField(_("towns"), null=True, blank=True)
    population_notes = models.TextField(_("population notes"), blank=True)
    # B. KA stores (listed as outlets of kind KA store)
    ka_store_count = models.PositiveIntegerField(
        _("KA stores able to sell our category"), null=True, blank=True
    )
    # E/F: "none found" counts as filled
    catering_none = models.BooleanField(_("no catering outlets found"), default=False)
    canteens_none = models.BooleanField(_("no canteens found"), default=False)
    # Channel costs
    small_store_count = models.PositiveIntegerField(_("small stores"), null=True, blank=True)
    supermarket_count = models.PositiveIntegerField(_("supermarkets"), null=True, blank=True)
    hotel_count = models.PositiveIntegerField(_("hotels"), null=True, blank=True)
    entry_fee = models.DecimalField(
        _("typical entry fee (¥)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    other_fees = models.TextField(_("other channel fees"), blank=True)
    # Special features
    residential_compounds = models.TextField(_("large residential compounds"), blank=True)
    big_employers = models.TextField(_("big employers"), blank=True)
    cross_border_hubs = models.TextField(_("cross-border trade hubs"), blank=True)
    # Denormalised from markets.rules.completeness by the survey services
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("market survey")
        verbose_name_plural = _("market surveys")
        ordering = ["-surveyed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completeness__lte=100), name="survey_completeness_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.market} {self.surveyed_on:%Y-%m-%d}"


@tracked()
class WholesaleMarket(TimeStampedModel):
    """A wholesale market (批发市场) in a market, with where its goods flow."""

    market = _market_fk("wholesale_markets")
    survey = models.ForeignKey(
        MarketSurvey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wholesale_markets",
    )
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=300)
    goods_flow = models.CharField(_("goods flow"), max_length=20, choices=GoodsFlow.choices)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("wholesale market")
        verbose_name_plural = _("wholesale markets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["market", "name"], name="wholesale_market_unique")
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class Competitor(TimeStampedModel):
    """A competing brand on sale in a market, with its estimated monthly volume."""

    market = _market_fk("competitors")
    survey = models.ForeignKey(
        MarketSurvey, on_delete=models.SET_NULL, null=True, blank=True, related_name="competitors"
    )
    brand = models.CharField(_("brand"), max_length=100)
    estimated_monthly_volume = models.DecimalField(
        _("estimated monthly volume (¥)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    main_advantage = models.CharField(_("main advantage"), max_length=300, blank=True)

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = [models.F("estimated_monthly_volume").desc(nulls_last=True), "brand"]
        constraints = [
            models.UniqueConstraint(fields=["market", "brand"], name="competitor_brand_unique")
        ]

    def __str__(self) -> str:
        return self.brand


class CompetitorProduct(models.Model):
    """A competitor's product: name, pack spec and price point."""

    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product"), max_length=200)
    spec = models.CharField(_("pack spec"), max_length=100, blank=True)
    price = models.DecimalField(
        _("price (¥)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_new_launch = models.BooleanField(_("new launch"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompetitorPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor product")
        verbose_name_plural = _("competitor products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetitorPromotion(models.Model):
    """A competitor promotion seen by a rep: date, outlet, description, optional photo."""

    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="promotions")
    seen_on = models.DateField(_("seen on"))
    outlet = models.ForeignKey(
        Outlet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("promotion"), max_length=300)
    photo = models.ImageField(_("photo"), upload_to="markets/promotions/", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompetitorPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor promotion")
        verbose_name_plural = _("competitor promotions")
        ordering = ["-seen_on", "-id"]

    def __str__(self) -> str:
        return self.description


@tracked()
class StoreAssessment(TimeStampedModel):
    """A KA store sales-volume assessment: ten rated actions, a 0–100 score, est. volume."""

    outlet = models.ForeignKey(
        Outlet, verbose_name=_("store"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"))
    score = models.PositiveSmallIntegerField(_("store score"))
    estimated_monthly_volume = models.DecimalField(
        _("estimated monthly volume (¥)"), max_digits=12, decimal_places=2
    )

    objects = OutletChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("store assessment")
        verbose_name_plural = _("store assessments")
        ordering = ["-score", "-estimated_monthly_volume"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="assessment_score_percent")
        ]

    def __str__(self) -> str:
        return f"{self.outlet} {self.assessed_on}"


class AssessmentRating(models.Model):
    """One of the ten actions of a store assessment, rated 1–5 with a note and photo."""

    assessment = models.ForeignKey(
        StoreAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    action = models.PositiveSmallIntegerField(_("action"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ImageField(_("photo"), upload_to="markets/assessments/", blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["action"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "action"], name="assessment_action_unique"
            ),
            models.CheckConstraint(
                condition=Q(action__gte=1, action__lte=10), name="assessment_action_1_10"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="assessment_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.rating}"


@tracked()
class TrialShipment(TimeStampedModel):
    """A trial-sales shipment through a sub-wholesaler (二批商), recorded against a market."""

    market = _market_fk("trial_shipments")
    sub_wholesaler = models.ForeignKey(
        Outlet, verbose_name=_("sub-wholesaler"), on_delete=models.PROTECT, related_name="+"
    )
    introduced_by = models.CharField(_("introduced by (dealer)"), max_length=200, blank=True)
    shipped_on = models.DateField(_("shipped on"))
    product = models.CharField(_("product"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity (cases)"))
    amount = models.DecimalField(_("amount (¥)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("trial shipment")
        verbose_name_plural = _("trial shipments")
        ordering = ["-shipped_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="trial_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.market} {self.shipped_on} {self.product}"


class OutletImport(models.Model):
    """A checked outlet upload awaiting confirmation; only parsed rows are kept, not the file."""

    market = _market_fk("outlet_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MarketChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
