from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dealerhub.core.api.serializers import (
    ExternalCodeField,
    ModelSerializer,
    PositiveIntegerField,
)
from markets.choices import Channel

from .. import explain, policies, scoring
from ..choices import (
    BlacklistKind,
    DealerType,
    Decision,
    MatchKey,
    PaymentTerms,
    RedFlag,
    RejectionReason,
    Source,
    Stage,
)
from ..models import BlacklistMatch, Candidate, Contract, Dealer, Evaluation, StageChange

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


@extend_schema_field({"type": "string", "enum": RedFlag.values})
class RedFlagCodeField(serializers.CharField):
    """A red-flag code: the schema lists them; the service names every unknown one."""


class BlacklistEvidenceSerializer(serializers.Serializer):
    """The earlier veto as copied when it was made (managers and HQ only)."""

    firm_name = serializers.CharField()
    legal_entity = serializers.CharField()
    owner_name = serializers.CharField()
    phone = serializers.CharField()
    # Plain codes: a third enum for fields named red_flags would rename the others'.
    red_flags = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Red-flag codes: price_dumping, diversion, withholding_payments."),
    )
    reputation_score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    note = serializers.CharField(help_text=_("The reason given at the veto."))


class BlacklistMatchSerializer(ModelSerializer):
    """A blacklist (黑名单) match: the candidate shares `matched_keys` with a firm vetoed
    for reputation in `market` at `vetoed_at`. `evidence` is null for reps and ERP clients."""

    matched_keys = serializers.ListField(child=serializers.ChoiceField(choices=MatchKey.choices))
    veto_kind = serializers.ChoiceField(source="entry.kind", choices=BlacklistKind.choices)
    market = serializers.CharField(
        source="entry.market.territory.code", allow_null=True, default=None
    )
    market_name = serializers.CharField(
        source="entry.market.territory.name", allow_null=True, default=None
    )
    vetoed_at = serializers.DateTimeField(source="entry.created_at")
    evidence = serializers.SerializerMethodField()
    cleared_by = serializers.CharField(source="cleared_by.username", allow_null=True, default=None)

    class Meta:
        model = BlacklistMatch
        fields = [
            "id",
            "status",
            "matched_keys",
            "veto_kind",
            "market",
            "market_name",
            "vetoed_at",
            "evidence",
            "created_at",
            "cleared_at",
            "cleared_by",
            "clear_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(BlacklistEvidenceSerializer(allow_null=True))
    def get_evidence(self, match) -> dict | None:
        if not policies.can_see_blacklist_evidence(self.context["request"].user):
            return None
        return BlacklistEvidenceSerializer(match.entry).data


class CandidateSerializer(ModelSerializer):
    """A dealer candidate; `market` is the market territory's administrative code.

    The owner's personal details are included for managers and HQ only.
    `blacklist_matches` lists the firms vetoed for reputation that it matches, open first.
    """

    market = serializers.CharField(source="market.territory.code", read_only=True)
    owner = serializers.SerializerMethodField()
    blacklist_matches = BlacklistMatchSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = [*PUBLIC_FIELDS, "owner", "blacklist_matches"]
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
    owner_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("The owner's name (managers, HQ and ERP clients only)."),
    )
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


class EvaluationReasonFactsSerializer(serializers.Serializer):
    """The facts behind one reason; which appear depends on the gate and code. Scores,
    thresholds and ratios are decimal strings ("48.0"), levels integers."""

    # Plain string: an enum here would give the red-flag codes a second schema name.
    flag = serializers.CharField(
        required=False,
        help_text=_(
            "A red flag (reputation veto): price_dumping, diversion, withholding_payments."
        ),
    )
    subitem = serializers.CharField(
        required=False, help_text=_("The sub-item whose rating is a red flag.")
    )
    level = serializers.IntegerField(required=False, min_value=1, max_value=5)
    score = serializers.CharField(required=False)
    threshold = serializers.CharField(required=False)
    strength = serializers.CharField(required=False)
    mean_ratio = serializers.CharField(
        required=False,
        allow_null=True,
        help_text=_("Mean capacity / requirement over the quantified sub-items (null: none)."),
    )
    total = serializers.CharField(required=False)
    band_from = serializers.CharField(required=False)
    band_below = serializers.CharField(required=False)


class EvaluationReasonSerializer(serializers.Serializer):
    """One reason of a decision: the gate that decided, a code, words and the facts."""

    gate = serializers.ChoiceField(
        choices=[
            scoring.GATE_REPUTATION,
            scoring.GATE_WILLINGNESS,
            scoring.GATE_STRENGTH,
            scoring.GATE_BAND,
        ]
    )
    code = serializers.CharField(
        help_text=_(
            "red_flag, rating_red_flag, reputation_below, willingness_below, insufficient, "
            "oversized, or the band's decision code."
        )
    )
    text = serializers.CharField()
    facts = EvaluationReasonFactsSerializer()


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
    reasons = serializers.SerializerMethodField(
        help_text=_(
            "Why the decision: the gate that decided and its facts, in order, with the "
            "words in the request's language. Empty while there is no decision."
        )
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "candidate",
            "criteria",
            "total",
            "decision",
            "reasons",
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

    @extend_schema_field(EvaluationReasonSerializer(many=True))
    def get_reasons(self, evaluation) -> list[dict]:
        return explain.annotate(evaluation.reasons)


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
        fields = [*Contract.EDITABLE_FIELDS, "updated_at"]
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
