from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import CityTier, MarketStatus, TerritoryLevel
from ..models import Market, Territory


class TerritorySerializer(serializers.ModelSerializer):
    """A territory as ERPs see it; `parent` is the parent's administrative code."""

    code = serializers.CharField(read_only=True)
    level = serializers.ChoiceField(choices=TerritoryLevel.choices)
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("The parent's code; null for a province."),
    )
    tier = serializers.ChoiceField(choices=CityTier.choices, required=False, allow_blank=True)

    class Meta:
        model = Territory
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "tier",
            "population_total",
            "population_urban",
            "longitude",
            "latitude",
            "county_count",
            "town_count",
            "updated_at",
        ]
        read_only_fields = ["county_count", "town_count", "updated_at"]


class TerritoryWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/territories/{code}."""

    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=TerritoryLevel.choices)
    parent = serializers.CharField(
        max_length=12,
        allow_null=True,
        required=False,
        default=None,
        help_text=_("The parent's code; null for a province."),
    )
    tier = serializers.ChoiceField(
        choices=CityTier.choices, required=False, allow_blank=True, allow_null=True, default=""
    )
    population_total = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    population_urban = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
    )


class MarketSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(source="territory.name", read_only=True)
    status = serializers.ChoiceField(choices=MarketStatus.choices, read_only=True)
    rep = serializers.CharField(source="rep.username", read_only=True, allow_null=True)

    class Meta:
        model = Market
        fields = ["id", "territory", "name", "status", "status_reason", "rep", "updated_at"]
        read_only_fields = fields
