from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dealerhub.core.api.serializers import ExternalCodeField, ModelSerializer

from ..choices import LifeCycle, MarginClass
from ..models import Collection, Product, SellInLine

CODE = r"^[A-Za-z0-9_.\-]{1,64}$"

# --- Products ------------------------------------------------------------------------------


class ProductSerializer(ModelSerializer):
    """A SKU with its standard-unit (标准件) factor."""

    class Meta:
        model = Product
        fields = [
            "external_code",
            "name",
            "name_en",
            "category",
            "pack_size",
            "unit",
            "list_price",
            "unit_margin",
            "standard_factor",
            "margin_class",
            "life_cycle",
            "updated_at",
        ]
        read_only_fields = fields


class ProductWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/products/{external_code} (and each bulk record). A new SKU
    without `margin_class` gets the class of its margin rate (≥30% high, ≥15% thin)."""

    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.CharField(max_length=50)
    pack_size = serializers.CharField(max_length=50, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=20, required=False)
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit_margin = serializers.DecimalField(max_digits=12, decimal_places=2)
    standard_factor = serializers.DecimalField(
        max_digits=10,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text=_("Standard units (标准件) per unit sold; greater than 0."),
    )
    margin_class = serializers.ChoiceField(choices=MarginClass.choices, required=False)
    life_cycle = serializers.ChoiceField(choices=LifeCycle.choices, required=False)


class ProductBulkRecordSerializer(ProductWriteSerializer):
    external_code = ExternalCodeField()


class ProductBulkSerializer(serializers.Serializer):
    records = ProductBulkRecordSerializer(many=True, max_length=1000)


# --- Sell-in lines -------------------------------------------------------------------------


class SellInLineSerializer(ModelSerializer):
    """An order/shipment line; `dealer` and `product` are codes, `market` the market
    territory's code; `standard_units` = quantity × the SKU's factor."""

    dealer = serializers.CharField(source="dealer.external_code", read_only=True)
    product = serializers.CharField(source="product.external_code", read_only=True)
    market = serializers.CharField(source="market.territory.code", read_only=True)

    class Meta:
        model = SellInLine
        fields = [
            "external_code",
            "date",
            "dealer",
            "product",
            "market",
            "quantity",
            "value",
            "standard_units",
            "lot_codes",
            "updated_at",
        ]
        read_only_fields = fields


class SellInLineWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/sell-in-lines/{external_code} (and each bulk record). The date
    may change within its month only (the month is part of a line's identity)."""

    dealer = serializers.RegexField(CODE, help_text=_("The dealer's external code."))
    product = serializers.RegexField(CODE, help_text=_("The SKU."))
    date = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    lot_codes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=50, required=False
    )


class SellInLineBulkRecordSerializer(SellInLineWriteSerializer):
    external_code = ExternalCodeField()


class SellInLineBulkSerializer(serializers.Serializer):
    records = SellInLineBulkRecordSerializer(many=True, max_length=1000)


# --- Collections ---------------------------------------------------------------------------


class CollectionSerializer(ModelSerializer):
    """A payment received from a dealer (回款)."""

    dealer = serializers.CharField(source="dealer.external_code", read_only=True)
    market = serializers.CharField(source="market.territory.code", read_only=True)

    class Meta:
        model = Collection
        fields = ["external_code", "dealer", "market", "amount", "date", "reference", "updated_at"]
        read_only_fields = fields


class CollectionWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/collections/{external_code} (and each bulk record)."""

    dealer = serializers.RegexField(CODE, help_text=_("The dealer's external code."))
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    date = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class CollectionBulkRecordSerializer(CollectionWriteSerializer):
    external_code = ExternalCodeField()


class CollectionBulkSerializer(serializers.Serializer):
    records = CollectionBulkRecordSerializer(many=True, max_length=1000)
