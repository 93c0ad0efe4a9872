"""Products, sell-in lines, collections and their monthly summaries."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.audit import tracked
from dealerhub.core.models import TimeStampedModel

from .choices import LifeCycle, MarginClass
from .querysets import ProductQuerySet, SalesFactQuerySet


@tracked()
class Product(TimeStampedModel):
    """A SKU: pack, prices, margin class, life cycle and its standard-unit (标准件) factor."""

    external_code = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=50)
    pack_size = models.CharField(_("pack size"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="箱")
    list_price = models.DecimalField(_("list price (¥)"), max_digits=12, decimal_places=2)
    unit_margin = models.DecimalField(_("unit margin (¥)"), max_digits=12, decimal_places=2)
    standard_factor = models.DecimalField(
        _("standard-unit factor"),
        max_digits=10,
        decimal_places=4,
        help_text=_("Standard units (标准件) per unit sold."),
    )
    margin_class = models.CharField(_("margin class"), max_length=10, choices=MarginClass.choices)
    life_cycle = models.CharField(
        _("life-cycle status"), max_length=10, choices=LifeCycle.choices, default=LifeCycle.NEW
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category", "external_code"]
        indexes = [models.Index(fields=["updated_at", "id"], name="product_sync_cursor")]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard_factor__gt=0), name="product_standard_factor_positive"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="product_list_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_code} {self.name}"


class SellInLine(TimeStampedModel):
    """One ERP order/shipment line to a dealer (a fact; the table is partitioned by month).

    The table is created by SQL in the migration (``PARTITION BY RANGE (month)``); its
    database key is (id, month), because every key of a partitioned table includes the
    partition key. Django addresses a row by ``id`` alone, which the sequence keeps
    unique; the ERP's identity is (external_code, month).
    """

    id = models.BigAutoField(primary_key=True)
    external_code = models.CharField(_("ERP line id"), max_length=64)
    month = models.DateField(_("month"), editable=False)  # the partition key
    date = models.DateField(_("date"))
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, editable=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    value = models.DecimalField(_("value (¥)"), max_digits=16, decimal_places=2)
    standard_units = models.DecimalField(
        _("standard units"), max_digits=18, decimal_places=4, editable=False
    )
    lot_codes = models.JSONField(_("lot codes"), default=list, blank=True)

    objects = SalesFactQuerySet.as_manager()

    class Meta:
        managed = True
        verbose_name = _("sell-in line")
        verbose_name_plural = _("sell-in lines")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["external_code", "month"], name="sellin_code_month")
        ]

    def __str__(self) -> str:
        return self.external_code


class Collection(TimeStampedModel):
    """A payment received from a dealer (回款), as booked by the ERP."""

    external_code = models.CharField(_("ERP reference"), max_length=64, unique=True)
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.PROTECT, related_name="+")
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="+")
    territory_path = models.CharField(max_length=255, editable=False)
    amount = models.DecimalField(_("amount (¥)"), max_digits=16, decimal_places=2)
    date = models.DateField(_("date"))
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    objects = SalesFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="collection_sync_cursor"),
            models.Index(fields=["dealer", "date"], name="collection_dealer_date"),
        ]

    def __str__(self) -> str:
        return self.external_code


class SellInMonthly(models.Model):
    """Sell-in per (month, dealer, SKU): what achievement pages read instead of the lines."""

    month = models.DateField()
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="+")
    territory_path = models.CharField(max_length=255)
    quantity = models.DecimalField(max_digits=18, decimal_places=2)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    standard_units = models.DecimalField(max_digits=20, decimal_places=4)
    lines = models.PositiveIntegerField()

    objects = SalesFactQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dealer", "product"], name="sellin_monthly_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["territory_path", "month"],
                name="sellin_monthly_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dealer_id} {self.product_id}"


class CollectionMonthly(models.Model):
    """Collections per (month, dealer)."""

    month = models.DateField()
    dealer = models.ForeignKey("dealers.Dealer", on_delete=models.CASCADE, related_name="+")
    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="+")
    territory_path = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    payments = models.PositiveIntegerField()

    objects = SalesFactQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "dealer"], name="collection_monthly_key")
        ]
        indexes = [
            models.Index(
                fields=["territory_path", "month"],
                name="collection_monthly_path",
                opclasses=["varchar_pattern_ops", "date_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dealer_id}"


class SummaryBacklog(models.Model):
    """A (month, dealer) whose summaries are stale: written in the same transaction as the
    lines or collections that changed, folded in by ``summaries_refresh``."""

    month = models.DateField()
    dealer_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "dealer_id"], name="summary_backlog_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dealer_id}"
