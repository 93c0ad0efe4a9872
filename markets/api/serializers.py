from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dealerhub.core.api.serializers import (
    CoordinateField,
    ExternalCodeField,
    ModelSerializer,
    PositiveIntegerField,
)

from ..choices import CityTier, MarketStatus, OutletKind, TerritoryLevel
from ..models import Market, MarketPlan, MarketSurvey, Outlet, Territory


class TerritorySerializer(ModelSerializer):
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
    population_total = PositiveIntegerField(required=False, allow_null=True)
    population_urban = PositiveIntegerField(required=False, allow_null=True)
    longitude = CoordinateField(limit=180)
    latitude = CoordinateField(limit=90)


class TerritoryBulkItemSerializer(TerritoryWriteSerializer):
    code = serializers.RegexField(r"^[0-9]{1,12}$", help_text=_("Administrative code."))


class TerritoryBulkSerializer(serializers.Serializer):
    records = TerritoryBulkItemSerializer(many=True, max_length=1000)


MARKET_PROFILE_FIELDS = ["income_level", "pillar_industries", "notes"]


class MarketSerializer(ModelSerializer):
    """A market; `territory` is its administrative code (the key of PUT /markets/{code}),
    `rep` the rep's username."""

    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(source="territory.name", read_only=True)
    status = serializers.ChoiceField(choices=MarketStatus.choices, read_only=True)
    rep = serializers.CharField(source="rep.username", read_only=True, allow_null=True)

    class Meta:
        model = Market
        fields = [
            "id",
            "territory",
            "name",
            "status",
            "status_reason",
            "rep",
            *MARKET_PROFILE_FIELDS,
            "updated_at",
        ]
        read_only_fields = fields


class MarketWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/markets/{territory code}: the profile and the rep, never the
    status (POST …/status). Fields left out keep their stored values."""

    rep = serializers.CharField(
        max_length=150,
        allow_null=True,
        required=False,
        help_text=_("The username of a rep covering the territory; null for none."),
    )
    income_level = serializers.CharField(max_length=100, required=False, allow_blank=True)
    pillar_industries = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    confirm_focus = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text=_(
            "A manager confirms that the rep may hold more than three markets in "
            "trial/developing (ignored for other callers)."
        ),
    )


class MarketStatusSerializer(serializers.Serializer):
    """Body of POST /api/v1/markets/{territory code}/status."""

    status = serializers.ChoiceField(choices=MarketStatus.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("HQ admins only: the written reason to override central-city-first."),
    )
    confirm_focus = serializers.BooleanField(required=False, default=False)


class OutletSerializer(ModelSerializer):
    """An outlet as ERPs see it; `territory` is the administrative code it sits in."""

    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.ChoiceField(choices=OutletKind.choices)

    class Meta:
        model = Outlet
        fields = [
            "external_code",
            "territory",
            "kind",
            "name",
            "address",
            "longitude",
            "latitude",
            "contact_name",
            "contact_phone",
            "listed_on",
            "updated_at",
        ]
        read_only_fields = fields


class OutletWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/outlets/{external_code}."""

    territory = serializers.CharField(max_length=12, help_text=_("Administrative code."))
    kind = serializers.ChoiceField(choices=OutletKind.choices)
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    longitude = CoordinateField(limit=180, default=None)
    latitude = CoordinateField(limit=90, default=None)
    contact_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    listed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("When our products were listed in the store; null: not listed."),
    )


SURVEY_FIELDS = [
    "county_count",
    "town_count",
    "population_notes",
    "ka_store_count",
    "catering_none",
    "canteens_none",
    "small_store_count",
    "supermarket_count",
    "hotel_count",
    "entry_fee",
    "other_fees",
    "residential_compounds",
    "big_employers",
    "cross_border_hubs",
]


class SurveySerializer(ModelSerializer):
    market = serializers.CharField(source="market.territory.code", read_only=True)
    rep = serializers.CharField(source="rep.username", read_only=True)

    class Meta:
        model = MarketSurvey
        fields = [
            "id",
            "external_code",
            "market",
            "rep",
            "surveyed_on",
            *SURVEY_FIELDS,
            "completeness",
            "updated_at",
        ]
        read_only_fields = ["id", "market", "rep", "completeness", "updated_at"]


class SurveyCreateSerializer(ModelSerializer):
    """Body of POST /api/v1/surveys/: any subset of the sections may be sent."""

    market = serializers.CharField(max_length=12, help_text=_("The market's territory code."))

    class Meta:
        model = MarketSurvey
        fields = ["market", "external_code", "surveyed_on", *SURVEY_FIELDS]
        extra_kwargs = {name: {"required": False} for name in SURVEY_FIELDS} | {
            "external_code": {"required": False, "validators": []}
        }


class SurveyUpdateSerializer(ModelSerializer):
    """Body of PATCH /api/v1/surveys/{id}: a partial save of any sections."""

    class Meta:
        model = MarketSurvey
        fields = ["surveyed_on", *SURVEY_FIELDS]


class MarketPlanSerializer(ModelSerializer):
    """A market plan; `market` is the market's territory code, `channel_plan` is
    {channel: {"dealers": n, "outlets": n}}."""

    market = serializers.CharField(source="market.territory.code", read_only=True)
    channel_plan = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField(min_value=0)),
        required=False,
        help_text=_(
            'Per channel (ka, traditional, catering, canteen, retail): {"dealers": n, '
            '"outlets": n}.'
        ),
    )

    class Meta:
        model = MarketPlan
        fields = ["market", *MarketPlan.PLAN_FIELDS, "updated_at"]
        read_only_fields = ["market", "updated_at"]
        extra_kwargs = {"external_code": {"validators": []}}


class OutletBulkRecordSerializer(OutletWriteSerializer):
    external_code = ExternalCodeField()


class OutletBulkSerializer(serializers.Serializer):
    """Body of POST /api/v1/outlets/bulk (a bare list of records is accepted too)."""

    records = OutletBulkRecordSerializer(many=True, max_length=1000)
