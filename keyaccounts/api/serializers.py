from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dealerhub.core.api.serializers import (
    ExternalCodeField,
    ModelSerializer,
    PositiveIntegerField,
    QueryIntegerField,
)

from ..choices import AccountFormat, DistributionMode, Quadrant
from ..models import Assessment, KeyAccount


class KeyAccountSerializer(ModelSerializer):
    territory = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("Home territory code; null for a national account."),
    )
    format = serializers.ChoiceField(choices=AccountFormat.choices, read_only=True)

    class Meta:
        model = KeyAccount
        fields = ["external_code", "territory", *KeyAccount.PROFILE_FIELDS, "updated_at"]
        read_only_fields = fields


def _text(max_length: int):
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)


class KeyAccountWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/key-accounts/{external_code}."""

    name = serializers.CharField(max_length=200)
    territory = serializers.CharField(
        max_length=12,
        required=False,
        allow_null=True,
        help_text=_(
            "Home territory code; left out or null: a national account "
            "(HQ and all-territory clients only)."
        ),
    )
    format = serializers.ChoiceField(choices=AccountFormat.choices, required=False)
    address = _text(300)
    phone = _text(30)
    group_structure = serializers.CharField(required=False, allow_blank=True)
    main_markets = _text(300)
    purchasing_policy = serializers.CharField(required=False, allow_blank=True)
    distribution_mode = serializers.ChoiceField(
        choices=DistributionMode.choices, required=False, allow_blank=True
    )
    distribution_policy = serializers.CharField(required=False, allow_blank=True)
    display_policy = serializers.CharField(required=False, allow_blank=True)
    pop_policy = serializers.CharField(required=False, allow_blank=True)
    promotion_policy = serializers.CharField(required=False, allow_blank=True)
    price_policy = serializers.CharField(required=False, allow_blank=True)
    positioning = serializers.CharField(required=False, allow_blank=True)
    competitor_1 = _text(100)
    competitor_2 = _text(100)


class KeyAccountBulkRecordSerializer(KeyAccountWriteSerializer):
    external_code = ExternalCodeField()


class KeyAccountBulkSerializer(serializers.Serializer):
    records = KeyAccountBulkRecordSerializer(many=True, max_length=1000)


def _pct(**kwargs):
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), **kwargs
    )


def _points():
    return PositiveIntegerField(required=False, allow_null=True)


class AssessmentWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/key-accounts/{external_code}/assessments/{year}."""

    annual_turnover = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), help_text=_("¥")
    )
    growth_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(-100),
        max_value=Decimal(1000),
        help_text=_("%"),
    )
    dso_days = serializers.IntegerField(min_value=0, max_value=365)
    merchandising_share = _pct(help_text=_("%; computed from points when they are given"))
    activity_share = _pct(help_text=_("%; computed from points when they are given"))
    skus_carried = serializers.IntegerField(min_value=0, max_value=100000)
    buyer_relationship = serializers.IntegerField(min_value=1, max_value=5)
    profitability = _pct(required=False, allow_null=True)
    market_share = _pct(required=False, allow_null=True)
    product_distribution = _pct(required=False, allow_null=True)
    inventory_days = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, allow_null=True
    )
    our_merchandising_points = _points()
    total_merchandising_points = _points()
    our_activity_points = _points()
    total_activity_points = _points()
    our_skus_in_category = _points()
    total_skus_in_category = _points()


class AssessmentSerializer(ModelSerializer):
    external_code = serializers.CharField(source="account.external_code", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    quadrant = serializers.ChoiceField(choices=Quadrant.choices, read_only=True)
    visits_per_month = serializers.IntegerField(
        read_only=True, help_text=_("Default visit frequency of the quadrant (visit planning).")
    )

    class Meta:
        model = Assessment
        fields = [
            "external_code",
            "year",
            *Assessment.MEASURE_FIELDS,
            *Assessment.POINT_FIELDS,
            "attractiveness",
            "supportiveness",
            "quadrant",
            "template_version",
            "visits_per_month",
            "updated_at",
        ]
        read_only_fields = fields


class MatrixQuerySerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/ka-matrix."""

    year = QueryIntegerField(min_value=2000, max_value=2100)
    region = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=_("Territory code: only accounts below it."),
    )


class MatrixPointSerializer(serializers.Serializer):
    external_code = serializers.CharField()
    name = serializers.CharField()
    territory = serializers.CharField(
        allow_null=True, help_text=_("Home territory name; null for a national account.")
    )
    attractiveness = serializers.DecimalField(max_digits=5, decimal_places=2)
    supportiveness = serializers.DecimalField(max_digits=5, decimal_places=2)
    quadrant = serializers.ChoiceField(choices=Quadrant.choices)
    previous_quadrant = serializers.CharField(
        allow_null=True, help_text=_("The quadrant the year before (same values); null if none.")
    )
    visits_per_month = serializers.IntegerField()
    template_version = serializers.IntegerField()
