from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.audit import tracked
from dealerhub.core.models import TimeStampedModel

from .choices import Measure, PlanStatus, RevisionSource
from .querysets import FigureQuerySet, RegionChildQuerySet, RevisionQuerySet, TargetQuerySet

#: Whole yuan and whole standard units: up to 10^12 - 1.
VALUE_DIGITS = 12


def _value_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=VALUE_DIGITS, decimal_places=0, **kwargs)


@tracked()
class SubRegion(TimeStampedModel):
    """A sub-region (片区): a named group of a region's markets, for planning and reports."""

    region = models.ForeignKey(
        "markets.Territory",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="sub_regions",
    )
    name = models.CharField(_("name"), max_length=100)
    markets = models.ManyToManyField(
        "markets.Market",
        verbose_name=_("markets"),
        through="SubRegionMarket",
        related_name="sub_regions",
        blank=True,
    )

    objects = RegionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="subregion_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SubRegionMarket(models.Model):
    """A market's membership of a sub-region; a market is in at most one."""

    sub_region = models.ForeignKey(SubRegion, on_delete=models.CASCADE)
    market = models.OneToOneField(
        "markets.Market", on_delete=models.CASCADE, related_name="sub_region_membership"
    )

    class Meta:
        verbose_name = _("sub-region market")
        verbose_name_plural = _("sub-region markets")

    def __str__(self) -> str:
        return f"{self.sub_region}: {self.market}"


@tracked()
class TargetPlan(TimeStampedModel):
    """A region's annual targets as a whole: draft → proposed by the manager → approved by HQ."""

    region = models.ForeignKey(
        "markets.Territory",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="target_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = RegionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("target plan")
        verbose_name_plural = _("target plans")
        ordering = ["-year", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="targetplan_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


@tracked()
class RegionalFigure(TimeStampedModel):
    """One measure of a region's year: HQ's top-down figure and the manager's reason where
    the grid differs from it. Every change to a target of this grid bumps ``updated_at``,
    so it is the grid's version for stale-edit checks."""

    plan = models.ForeignKey(
        TargetPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="figures"
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    hq_value = _value_field(_("HQ's regional figure"), null=True, blank=True)
    reason = models.TextField(_("reason for the difference from HQ's figure"), blank=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("regional figure")
        verbose_name_plural = _("regional figures")
        ordering = ["plan", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "measure"], name="figure_unique_measure"),
            models.CheckConstraint(
                condition=Q(hq_value__isnull=True) | Q(hq_value__gte=0),
                name="figure_hq_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_measure_display()}"


class Target(TimeStampedModel):
    """One month's target of one measure for a market, or for one of its dealers."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    territory = models.ForeignKey(
        "markets.Territory",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    dealer = models.ForeignKey(
        "dealers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
    )
    value = _value_field(_("target"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The sync key (planning.rules.TargetKey), kept by the service from the fields above.
    external_code = models.CharField(_("key"), max_length=120, unique=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "measure", "territory_id", "dealer_id", "month"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="target_sync_cursor"),
            models.Index(fields=["year", "measure", "territory"], name="target_grid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "measure", "territory", "dealer"],
                name="target_unique_cell",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="target_month_1_to_12"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2099), name="target_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.external_code


class TargetRevision(models.Model):
    """One change of a target figure: old → new, who, when, why and through which door."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="revisions"
    )
    old_value = _value_field(_("old value"), null=True, blank=True)
    new_value = _value_field(_("new value"))
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RevisionSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target}: {self.old_value} → {self.new_value}"
