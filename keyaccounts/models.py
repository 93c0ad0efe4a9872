from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.audit import tracked
from dealerhub.core.models import ProgressJob, TimeStampedModel

from . import scoring
from .choices import (
    AccountFormat,
    Axis,
    ComparisonAspect,
    CriterionKind,
    Department,
    DistributionMode,
    DmuRole,
    ListingStatus,
    Measure,
    Quadrant,
)
from .querysets import AccountChildQuerySet, KeyAccountQuerySet, OutletYearQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
PCT = [MinValueValidator(0), MaxValueValidator(100)]


def money(label, **kwargs):
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def pct(label, **kwargs):
    return models.DecimalField(label, max_digits=5, decimal_places=2, validators=PCT, **kwargs)


# --- Scorecard templates ----------------------------------------------------------------


@tracked()
class ScorecardTemplate(TimeStampedModel):
    """One version of the KA scorecard: criteria of both axes and the quadrant thresholds."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    is_default = models.BooleanField(_("default"), default=False)
    threshold_attractiveness = models.DecimalField(
        _("attractiveness threshold"), max_digits=5, decimal_places=2, default=50, validators=PCT
    )
    threshold_supportiveness = models.DecimalField(
        _("supportiveness threshold"), max_digits=5, decimal_places=2, default=50, validators=PCT
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("KA scorecard template")
        verbose_name_plural = _("KA scorecard templates")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="ka_template_version_unique"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="ka_template_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def as_criteria(self) -> list[scoring.Criterion]:
        return [c.as_pure() for c in self.criteria.all()]


@tracked()
class TemplateCriterion(models.Model):
    """A weighted criterion of one template axis with its four band edges."""

    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.CASCADE, related_name="criteria"
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    kind = models.CharField(_("banding"), max_length=10, choices=CriterionKind.choices)
    edge_1 = models.DecimalField(
        _("edge 1"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    edge_2 = models.DecimalField(
        _("edge 2"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    edge_3 = models.DecimalField(
        _("edge 3"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    edge_4 = models.DecimalField(
        _("edge 4"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["axis", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "measure"], name="ka_criterion_unique"),
            models.CheckConstraint(
                condition=Q(kind=scoring.DIRECT_RATING)
                | (
                    Q(edge_1__lt=models.F("edge_2"))
                    & Q(edge_2__lt=models.F("edge_3"))
                    & Q(edge_3__lt=models.F("edge_4"))
                ),
                name="ka_criterion_edges_ascending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ({self.weight})"

    @property
    def edges(self) -> tuple:
        if self.kind == scoring.DIRECT_RATING:
            return ()
        return (self.edge_1, self.edge_2, self.edge_3, self.edge_4)

    def as_pure(self) -> scoring.Criterion:
        return scoring.Criterion(self.measure, self.axis, self.weight, self.kind, self.edges)


# --- Key accounts -----------------------------------------------------------------------


@tracked()
class KeyAccount(TimeStampedModel):
    """A modern-trade chain (关键客户) managed from its home territory, or national (none)."""

    # The profile an ERP, the edit form and the service set (serializers list these too).
    PROFILE_FIELDS = (
        "name",
        "format",
        "address",
        "phone",
        "group_structure",
        "main_markets",
        "purchasing_policy",
        "distribution_mode",
        "distribution_policy",
        "display_policy",
        "pop_policy",
        "promotion_policy",
        "price_policy",
        "positioning",
        "competitor_1",
        "competitor_2",
    )

    external_code = models.CharField(_("external code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    format = models.CharField(
        _("format"), max_length=20, choices=AccountFormat.choices, default=AccountFormat.SUPERMARKET
    )
    territory = models.ForeignKey(
        "markets.Territory",
        verbose_name=_("home territory"),
        on_delete=models.PROTECT,
        related_name="key_accounts",
        # None: a national account (a chain in several regions), managed by HQ and seen
        # by the managers whose territories hold its stores (querysets.py).
        null=True,
        blank=True,
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_accounts",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    group_structure = models.TextField(_("group structure"), blank=True)
    main_markets = models.CharField(_("main markets"), max_length=300, blank=True)
    purchasing_policy = models.TextField(_("purchasing policy"), blank=True)
    distribution_mode = models.CharField(
        _("distribution"), max_length=10, choices=DistributionMode.choices, blank=True
    )
    distribution_policy = models.TextField(_("distribution policy"), blank=True)
    display_policy = models.TextField(
        _("display policy (shelf, end-cap, floor stack, other)"), blank=True
    )
    pop_policy = models.TextField(_("POP policy"), blank=True)
    promotion_policy = models.TextField(_("promotion policy"), blank=True)
    price_policy = models.TextField(_("price policy"), blank=True)
    positioning = models.TextField(_("positioning and strategy"), blank=True)
    competitor_1 = models.CharField(_("competitor 1"), max_length=100, blank=True)
    competitor_2 = models.CharField(_("competitor 2"), max_length=100, blank=True)

    objects = KeyAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["territory", "name"], name="ka_territory_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.territory_id is None


@tracked()
class AccountYear(TimeStampedModel):
    """The chain's network and our business with it in one year (actual or estimate)."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    is_estimate = models.BooleanField(_("estimate"), default=False)
    store_count = models.PositiveIntegerField(_("stores"), null=True, blank=True)
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    sales = money(_("sales (¥)"), null=True, blank=True)
    daily_goods_share_pct = pct(_("daily goods share of sales (%)"), null=True, blank=True)
    profit = money(_("profit (¥)"), null=True, blank=True)
    new_stores = models.PositiveIntegerField(_("new stores"), null=True, blank=True)
    total_stores = models.PositiveIntegerField(_("total stores"), null=True, blank=True)
    category_volume = money(_("total category volume (¥)"), null=True, blank=True)
    our_volume = money(_("our volume (¥)"), null=True, blank=True)
    main_skus = models.TextField(_("main SKUs"), blank=True)
    new_products = models.TextField(_("new products"), blank=True)
    promotions = models.TextField(_("promotions"), blank=True)
    discounts = models.TextField(_("discounts"), blank=True)
    premiums = models.TextField(_("premiums"), blank=True)
    floor_stacks = models.TextField(_("floor stacks"), blank=True)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("account year")
        verbose_name_plural = _("account years")
        ordering = ["account", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="ka_account_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"

    @property
    def our_share_pct(self):
        return scoring.share_pct(self.our_volume, self.category_volume)


@tracked()
class Assessment(TimeStampedModel):
    """A yearly attractiveness × supportiveness assessment: raw measures and their scores."""

    # The raw measures people enter (form, API, service); points give the shares.
    MEASURE_FIELDS = (
        "annual_turnover",
        "growth_rate",
        "dso_days",
        "merchandising_share",
        "activity_share",
        "skus_carried",
        "buyer_relationship",
        "profitability",
        "market_share",
        "product_distribution",
        "inventory_days",
    )
    POINT_FIELDS = (
        "our_merchandising_points",
        "total_merchandising_points",
        "our_activity_points",
        "total_activity_points",
        "our_skus_in_category",
        "total_skus_in_category",
    )

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    annual_turnover = money(_("annual turnover with us (¥)"), validators=[MinValueValidator(0)])
    growth_rate = models.DecimalField(
        _("growth rate (%)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(-100), MaxValueValidator(1000)],
    )
    dso_days = models.PositiveSmallIntegerField(
        _("DSO (days)"), validators=[MaxValueValidator(365)]
    )
    merchandising_share = pct(_("merchandising share (%)"))
    activity_share = pct(_("activity share (%)"))
    skus_carried = models.PositiveIntegerField(_("SKUs carried"))
    buyer_relationship = models.PositiveSmallIntegerField(
        _("working relationship with buyer (1–5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    profitability = pct(_("profitability (%)"), null=True, blank=True)
    market_share = pct(_("market share (%)"), null=True, blank=True)
    product_distribution = pct(_("product distribution (%)"), null=True, blank=True)
    inventory_days = models.PositiveSmallIntegerField(
        _("inventory holding days"), null=True, blank=True
    )
    # Raw points: when recorded, the shares above are computed from them.
    our_merchandising_points = models.PositiveIntegerField(
        _("our merchandising points"), null=True, blank=True
    )
    total_merchandising_points = models.PositiveIntegerField(
        _("all merchandising points in the category"), null=True, blank=True
    )
    our_activity_points = models.PositiveIntegerField(
        _("our activity points"), null=True, blank=True
    )
    total_activity_points = models.PositiveIntegerField(
        _("all activity points in the category"), null=True, blank=True
    )
    our_skus_in_category = models.PositiveIntegerField(
        _("our SKUs carried (distribution)"), null=True, blank=True
    )
    total_skus_in_category = models.PositiveIntegerField(
        _("all SKUs carried in the category"), null=True, blank=True
    )
    attractiveness = models.DecimalField(_("attractiveness"), max_digits=5, decimal_places=2)
    supportiveness = models.DecimalField(_("supportiveness"), max_digits=5, decimal_places=2)
    quadrant = models.CharField(_("quadrant"), max_length=20, choices=Quadrant.choices)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["account", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="ka_assessment_unique"),
            models.CheckConstraint(
                condition=Q(attractiveness__gte=0, attractiveness__lte=100)
                & Q(supportiveness__gte=0, supportiveness__lte=100),
                name="ka_assessment_scores_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "quadrant"], name="ka_assessment_year_quadrant")]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"

    def measures(self) -> dict:
        return {measure: getattr(self, measure) for measure in Measure.values}

    @property
    def visits_per_month(self) -> int:
        return scoring.visits_per_month(self.quadrant)


@tracked()
class TradeTerms(TimeStampedModel):
    """Trade terms (贸易条件) agreed with an account for one year."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="trade_terms")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    sales = money(_("sales (¥)"), validators=[MinValueValidator(0)])
    fixed_discount_pct = pct(_("fixed unit-price discount (%)"), default=0)
    month_end_rebate_pct = pct(_("month-end rebate (%)"), default=0)
    year_end_rebate_pct = pct(_("year-end rebate (%)"), default=0)
    other_rebate_pct = pct(_("other rebates / bonus (%)"), default=0)
    credit_limit = money(_("credit limit (¥)"), default=0)
    payment_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=0)
    new_store_sponsorship = money(_("new-store sponsorship (¥)"), default=0)
    anniversary_sponsorship = money(_("store-anniversary sponsorship (¥)"), default=0)
    listing_fee = money(_("listing fee 上架费 (¥)"), default=0)
    display_fee_shelf = money(_("display fee: shelf (¥)"), default=0)
    display_fee_floor_stack = money(_("display fee: floor stack (¥)"), default=0)
    promotion_count = models.PositiveSmallIntegerField(_("number of promotions"), default=0)
    promotion_cost = money(_("promotion discount cost (¥)"), default=0)
    promotion_our_share_pct = pct(_("promotion cost borne by us (%)"), default=100)
    merchandiser_count = models.PositiveSmallIntegerField(_("merchandisers"), default=0)
    merchandiser_cost = money(_("merchandiser cost (¥)"), default=0)
    promoter_count = models.PositiveSmallIntegerField(_("promoters"), default=0)
    promoter_cost = money(_("promoter cost (¥)"), default=0)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("trade terms")
        verbose_name_plural = _("trade terms")
        ordering = ["account", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="ka_trade_terms_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"

    def as_pure(self) -> scoring.TradeTermsData:
        names = scoring.TradeTermsData.__dataclass_fields__
        return scoring.TradeTermsData(**{name: getattr(self, name) for name in names})


@tracked()
class Contact(TimeStampedModel):
    """A person in the chain's buying organisation and their decision-making-unit role."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("position"), max_length=100, blank=True)
    department = models.CharField(
        _("department"), max_length=30, choices=Department.choices, blank=True
    )
    dmu_role = models.CharField(
        _("role in decision making"), max_length=20, choices=DmuRole.choices
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_key_staff = models.BooleanField(_("key staff"), default=False)
    relationship_quality = models.PositiveSmallIntegerField(
        _("relationship quality (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    notes = models.TextField(_("personal notes"), blank=True)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["account", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("id")), name="ka_contact_not_own_boss"
            )
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class CompetitorComparison(TimeStampedModel):
    """One line of the us vs competitor 1 vs competitor 2 comparison at an account."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="comparisons")
    aspect = models.CharField(_("aspect"), max_length=30, choices=ComparisonAspect.choices)
    ours = models.CharField(_("us"), max_length=200, blank=True)
    competitor_1 = models.CharField(_("competitor 1"), max_length=200, blank=True)
    competitor_2 = models.CharField(_("competitor 2"), max_length=200, blank=True)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitive comparison")
        verbose_name_plural = _("competitive comparison")
        ordering = ["account", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "aspect"], name="ka_comparison_unique")
        ]

    def __str__(self) -> str:
        return self.get_aspect_display()


@tracked()
class OutletCard(TimeStampedModel):
    """The record card (门店记录卡) of one store of a chain."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="outlet_cards")
    outlet = models.OneToOneField(
        "markets.Outlet",
        verbose_name=_("outlet"),
        on_delete=models.PROTECT,
        related_name="ka_card",
    )
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    contacts = models.TextField(_("contacts and positions"), blank=True)
    best_visit_time = models.CharField(_("best visit time"), max_length=100, blank=True)
    visits_per_month = models.PositiveSmallIntegerField(_("visits per month"), default=0)
    credit_days = models.PositiveSmallIntegerField(_("credit terms (days)"), default=0)
    credit_limit = money(_("credit limit (¥)"), default=0)
    discount_structure = models.CharField(_("discount structure"), max_length=300, blank=True)
    floor_space_m2 = models.PositiveIntegerField(_("floor space (m²)"), null=True, blank=True)
    category_1 = models.CharField(_("category 1"), max_length=50, blank=True)
    category_1_shelf_m = models.DecimalField(
        _("category 1 shelf length (m)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    category_2 = models.CharField(_("category 2"), max_length=50, blank=True)
    category_2_shelf_m = models.DecimalField(
        _("category 2 shelf length (m)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    employees_full_time = models.PositiveSmallIntegerField(_("full-time employees"), default=0)
    employees_part_time = models.PositiveSmallIntegerField(_("part-time employees"), default=0)
    checkout_counters = models.PositiveSmallIntegerField(_("checkout counters"), default=0)
    fiscal_year_end = models.CharField(_("fiscal year end"), max_length=20, blank=True)
    payment_date = models.CharField(_("payment date"), max_length=50, blank=True)
    retail_audit_panel = models.BooleanField(_("retail-audit panel"), default=False)
    member_card = models.BooleanField(_("member card"), default=False)
    scanning_system = models.BooleanField(_("scanning system"), default=False)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet record card")
        verbose_name_plural = _("outlet record cards")
        ordering = ["account", "outlet__name"]

    def __str__(self) -> str:
        return str(self.outlet)


@tracked()
class OutletYear(models.Model):
    """A store's trading history in one year."""

    card = models.ForeignKey(OutletCard, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    turnover = money(_("turnover (¥)"), null=True, blank=True)
    profit = money(_("profit (¥)"), null=True, blank=True)

    objects = OutletYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("store trading year")
        verbose_name_plural = _("store trading years")
        ordering = ["card", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["card", "year"], name="ka_outlet_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.card} {self.year}"


@tracked()
class SkuListing(TimeStampedModel):
    """A SKU at an account: the listing proposal and checklist, then its delisting risk data."""

    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="sku_listings")
    sku_code = models.CharField(_("SKU code"), max_length=50)
    sku_name = models.CharField(_("SKU name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.PROPOSED
    )
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    # New-listing checklist (what the buyer requires).
    adds_sales = models.BooleanField(_("generates additional sales"), default=False)
    adds_category_value = models.BooleanField(_("adds value to the category"), default=False)
    supplier_support = models.BooleanField(
        _("supported by supplier advertising and promotion"), default=False
    )
    exclusive_promotion = models.BooleanField(_("customised / exclusive promotion"), default=False)
    meets_purchase_conditions = models.BooleanField(
        _("purchase conditions match the account's standards"), default=False
    )
    one_in_one_out = models.BooleanField(_("one SKU in, one SKU out"), default=False)
    has_barcode = models.BooleanField(_("carries a barcode"), default=False)
    # Listing proposal.
    features_usp = models.TextField(_("features and USP"), blank=True)
    positioning = models.TextField(_("positioning and target consumer"), blank=True)
    market_data = models.TextField(_("supporting market data"), blank=True)
    sales_forecast = money(_("sales forecast (¥/year)"), null=True, blank=True)
    introduction_plan = models.TextField(_("introduction plan and schedule"), blank=True)
    promotion_plan = models.TextField(_("national and exclusive promotion plan"), blank=True)
    price = money(_("price (¥)"), null=True, blank=True)
    fees = models.CharField(_("fees"), max_length=200, blank=True)
    rebates = models.CharField(_("rebates"), max_length=200, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=100, blank=True)
    promotion_price = money(_("promotion price (¥)"), null=True, blank=True)
    listing_fee = money(_("listing fee (¥)"), null=True, blank=True)
    samples = models.CharField(_("samples"), max_length=200, blank=True)
    planogram_location = models.CharField(_("planogram: where"), max_length=200, blank=True)
    planogram_facings = models.PositiveSmallIntegerField(
        _("planogram: facings"), null=True, blank=True
    )
    # What delisting risk is judged on.
    sales_target = money(_("sales target (¥)"), null=True, blank=True)
    sales_actual = money(_("sales actual (¥)"), null=True, blank=True)
    margin_pct = models.DecimalField(
        _("margin (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    margin_pct_previous = models.DecimalField(
        _("margin last period (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    margin_target_pct = models.DecimalField(
        _("margin target (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    out_of_stock_reports = models.PositiveSmallIntegerField(_("out-of-stock reports"), default=0)
    quality_issues = models.PositiveSmallIntegerField(_("quality problems"), default=0)
    fits_category_strategy = models.BooleanField(_("fits category strategy"), default=True)
    promotion_supported = models.BooleanField(_("promotion support sufficient"), default=True)
    order_size_too_large = models.BooleanField(_("order size too large"), default=False)

    objects = AccountChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("SKU listing")
        verbose_name_plural = _("SKU listings")
        ordering = ["account", "sku_code"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sku_code"], name="ka_sku_listing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sku_code} {self.sku_name}"

    CHECKLIST = (
        "adds_sales",
        "adds_category_value",
        "supplier_support",
        "exclusive_promotion",
        "meets_purchase_conditions",
        "one_in_one_out",
        "has_barcode",
    )

    def facts(self) -> scoring.SkuFacts:
        names = scoring.SkuFacts.__dataclass_fields__
        return scoring.SkuFacts(**{name: getattr(self, name) for name in names})


class RecomputeJob(ProgressJob):
    """A background recompute of assessments under the default template, with progress."""

    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE, related_name="jobs")
    total = models.PositiveIntegerField(_("assessments"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ka_recompute_jobs",
    )

    class Meta:
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} {self.status}"
