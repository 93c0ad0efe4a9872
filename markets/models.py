import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import CityTier, MarketStatus, OutletKind, TerritoryLevel
from .querysets import MarketQuerySet, OutletQuerySet, TerritoryQuerySet

PATH_SEPARATOR = "/"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Territory(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

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


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Market(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

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


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Outlet(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["territory__path", "name"]
        indexes = [models.Index(fields=["territory", "kind"], name="outlet_territory_kind")]

    def __str__(self) -> str:
        return self.name
