from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dealerhub.core.api.serializers import ModelSerializer

from ..choices import Measure
from ..models import VALUE_DIGITS, Target
from ..rules import KEY_PATTERN

KEY_HELP = _(
    "{year}-{month:02}-{measure}-{territory code}[-{dealer code}], "
    "e.g. 2026-03-sell_in_value-440300 or 2026-03-collections-440300-D-0001."
)


class TargetSerializer(ModelSerializer):
    """A target as ERPs see it; `territory` is the market's code, `dealer` the dealer's."""

    measure = serializers.ChoiceField(choices=Measure.choices, read_only=True)
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    dealer = serializers.SlugRelatedField(
        slug_field="external_code", read_only=True, allow_null=True
    )

    class Meta:
        model = Target
        fields = [
            "external_code",
            "year",
            "month",
            "measure",
            "territory",
            "dealer",
            "value",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class TargetWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/targets/{key}: the figure (whole ¥ or standard units)."""

    value = serializers.DecimalField(
        max_digits=VALUE_DIGITS,
        decimal_places=0,
        min_value=0,
        help_text=_("Whole yuan, or whole standard units."),
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TargetBulkRecordSerializer(TargetWriteSerializer):
    external_code = serializers.RegexField(f"^{KEY_PATTERN}$", help_text=KEY_HELP)


class TargetBulkSerializer(serializers.Serializer):
    """Body of POST /api/v1/targets/bulk (a bare list of records is accepted too)."""

    records = TargetBulkRecordSerializer(many=True, max_length=1000)
