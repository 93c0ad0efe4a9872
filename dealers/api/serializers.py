from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dealerhub.core.api.serializers import (
    ExternalCodeField,
    ModelSerializer,
    PositiveIntegerField,
)
from markets.choices import Channel

from ..choices import DealerType, Decision, PaymentTerms, RedFlag, RejectionReason, Source, Stage
from ..models import Candidate, Contract, Dealer, Evaluation, StageChange

PUBLIC_FIELDS = [
    "external_code",
    "name",
    "legal_entity",
    "market",
    "source",
    "stage",
    "contact_name",
    "contact_phone",
    "address",
    "product_lines",
    "areas_served",
    "sales_facilities",
    "wholesale_tier",
    "ka_stores_supplied",
    "brands_competing",
    "brands_complementary",
    "working_capital",
    "warehouse_m2",
    "deliverable_outlets_per_week",
    "covered_outlets",
    "staff_headcount",
    "notes",
    "confirmed_red_flags",
    "updated_at",
]


class CandidateSerializer(ModelSerializer):
    """A dealer candidate; `market` is the market territory's administrative code.

    The owner's personal details are included for managers and HQ only.
    """

    market = serializers.CharField(source="market.territory.code", read_only=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [*PUBLIC_FIELDS, "owner"]
        read_only_fields = fields

    def get_owner(self, candidate) -> dict | None:
        user = self.context["request"].user
        if not (user.is_hq or user.is_manager):
            return None
        return {name: getattr(candidate, name) for name in Candidate.OWNER_FIELDS}


class CandidateWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/dealer-candidates/{external_code}."""

    name = serializers.CharField(max_length=200)
    market = serializers.CharField(
        max_length=12, help_text=_("Administrative code of the market's territory.")
    )
    legal_entity = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    working_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    warehouse_m2 = serializers.DecimalField(
        max_digits=10, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    deliverable_outlets_per_week = PositiveIntegerField(required=False, allow_null=True)
    covered_outlets = PositiveIntegerField(required=False, allow_null=True)


class CandidateBulkRecordSerializer(CandidateWriteSerializer):
    external_code = ExternalCodeField()


class CandidateBulkSerializer(serializers.Serializer):
    records = CandidateBulkRecordSerializer(many=True, max_length=1000)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5, "nullable": True},
    }
)
class RatingsField(serializers.DictField):
    """{sub-item code: level}; a level is a whole number (1–5, checked against the template
    by the service) or null for "not rated". Anything else is refused here, naming the code."""

    child = serializers.JSONField()

    def to_internal_value(self, data):
        ratings = {
            # 4.0 is the number 4 (as for DRF's IntegerField); 4.5 and "4" are not.
            code: int(level) if isinstance(level, float) and level.is_integer() else level
            for code, level in super().to_internal_value(data).items()
        }
        wrong = sorted(
            code
            for code, level in ratings.items()
            if level is not None and (isinstance(level, bool) or not isinstance(level, int))
        )
        if wrong:
            raise serializers.ValidationError(
                _("Ratings must be whole numbers from 1 to 5: %(codes)s.")
                % {"codes": ", ".join(wrong)}
            )
        return ratings


@extend_schema_field({"type": "string", "enum": RedFlag.values})
class RedFlagCodeField(serializers.CharField):
    """A red-flag code: the schema lists them; the service names every unknown one."""


class EvaluationWriteSerializer(serializers.Serializer):
    """Body of POST /api/v1/dealer-candidates/{external_code}/evaluations."""

    ratings = RatingsField(
        help_text=_('Sub-item code → level 1–5 (e.g. {"brand_interest": 4}).'),
    )
    red_flags = serializers.ListField(
        child=RedFlagCodeField(),
        required=False,
        default=list,
        help_text=_("Red-flag codes: price_dumping, diversion, withholding_payments."),
    )
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text=_("Evidence note per sub-item code."),
    )


class EvaluationResultSerializer(ModelSerializer):
    """An evaluation's scores: criterion scores, total, decision, type, template version."""

    candidate = serializers.CharField(source="candidate.external_code")
    criteria = serializers.DictField(
        source="criteria_scores",
        child=serializers.FloatField(allow_null=True),
        help_text=_("Criterion code → score 0–100."),
    )
    total = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    dealer_type = serializers.ChoiceField(choices=DealerType.choices, allow_blank=True)
    template_version = serializers.IntegerField(source="template.version")
    template = serializers.CharField(source="template.name")
    red_flags = serializers.ListField(child=serializers.ChoiceField(choices=RedFlag.choices))
    evaluator = serializers.CharField(source="evaluator.username", allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "candidate",
            "criteria",
            "total",
            "decision",
            "dealer_type",
            "oversized",
            "template",
            "template_version",
            "ratings",
            "notes",
            "red_flags",
            "evaluator",
            "created_at",
            "scored_at",
        ]
        read_only_fields = fields


class SheetStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.IntegerField()
    detail = serializers.CharField()


class StageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)


class StageMoveSerializer(serializers.Serializer):
    """Body of POST /api/v1/dealer-candidates/{external_code}/stage."""

    to_stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("HQ admins only: override rules 1–3 and 5 with a written reason."),
    )
    confirm_overlap = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Managers: confirm a territory and channel overlap when signing (rule 5)."),
    )
    rejection_reason = serializers.ChoiceField(
        choices=RejectionReason.choices, required=False, allow_blank=True, default=""
    )


class StageChangeSerializer(ModelSerializer):
    class Meta:
        model = StageChange
        fields = [
            "from_stage",
            "to_stage",
            "reason",
            "overridden_rules",
            "overlap_confirmed",
            "created_at",
        ]
        read_only_fields = fields


class ContractSerializer(ModelSerializer):
    """The contract of a candidate; territories as administrative codes."""

    territories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "territories",
            "channels",
            "term_start",
            "term_end",
            "payment_terms",
            "credit_limit",
            "price_floor",
            "annual_target",
            "first_order",
            "terms",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class ContractWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/dealer-candidates/{external_code}/contract. Every text is checked
    for exclusivity wordings on every save (rule 4): a match is a 400 naming them."""

    territories = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{1,12}$"),
        allow_empty=False,
        help_text=_("Administrative codes of the territories the dealer serves."),
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), allow_empty=False
    )
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    payment_terms = serializers.ChoiceField(
        choices=PaymentTerms.choices, required=False, default=PaymentTerms.PREPAYMENT
    )
    credit_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, default=0
    )
    price_floor = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    annual_target = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    first_order = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    terms = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Dealers (ERP master data) ------------------------------------------------------------


class DealerSerializer(ModelSerializer):
    """An active or former dealer; `market` is the market territory's administrative code."""

    market = serializers.CharField(source="market.territory.code", read_only=True)
    candidate = serializers.CharField(
        source="candidate.external_code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Dealer
        fields = [
            "external_code",
            "name",
            "legal_name",
            "market",
            "contact_name",
            "contact_phone",
            "address",
            "credit_limit",
            "active",
            "since",
            "candidate",
            "updated_at",
        ]
        read_only_fields = fields


class DealerWriteSerializer(serializers.Serializer):
    """Body of PUT /api/v1/dealers/{external_code} (and each bulk record)."""

    name = serializers.CharField(max_length=200)
    market = serializers.RegexField(
        r"^[0-9]{1,12}$", help_text=_("The market territory's administrative code.")
    )
    legal_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    credit_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    active = serializers.BooleanField(required=False, default=True)
    since = serializers.DateField()


class DealerBulkRecordSerializer(DealerWriteSerializer):
    external_code = ExternalCodeField()


class DealerBulkSerializer(serializers.Serializer):
    records = DealerBulkRecordSerializer(many=True, max_length=1000)
