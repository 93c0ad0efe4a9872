from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.audit import tracked
from dealerhub.core.models import ClaimedJob, ProgressJob, TimeStampedModel

from . import rules, scoring
from .choices import (
    BlacklistKind,
    DealerType,
    Decision,
    MatchKey,
    MatchStatus,
    Objection,
    PaymentTerms,
    RecomputeKind,
    RedFlag,
    RejectionReason,
    SheetStatus,
    Source,
    Stage,
    TemplateStatus,
    WholesaleTier,
)
from .querysets import (
    BlacklistMatchQuerySet,
    CandidateQuerySet,
    ContractQuerySet,
    DealerQuerySet,
    EvaluationQuerySet,
    ScoreQuerySet,
    SheetQuerySet,
    StageChangeQuerySet,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
SCORE = {"validators": [MinValueValidator(0), MaxValueValidator(100)]}


# --- Scorecard templates --------------------------------------------------------------------


@tracked()
class ScorecardTemplate(TimeStampedModel):
    """One version of a scorecard template (criteria, sub-items, weights, level texts)."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Gates, bands and the strength-fit function of this version (20-dealers.md). The
    # defaults are the spec's second version; version 1 kept plateau 2 and floor 60.
    reputation_veto_below = models.DecimalField(
        _("reputation veto below"), max_digits=4, decimal_places=1, default=40, **SCORE
    )
    willingness_gate_below = models.DecimalField(
        _("willingness gate below"), max_digits=4, decimal_places=1, default=60, **SCORE
    )
    strength_gate_below = models.DecimalField(
        _("strength gate below"), max_digits=4, decimal_places=1, default=60, **SCORE
    )
    band_strong = models.DecimalField(
        _("strongly recommended from"), max_digits=4, decimal_places=1, default=80, **SCORE
    )
    band_recommended = models.DecimalField(
        _("recommended from"), max_digits=4, decimal_places=1, default=65, **SCORE
    )
    band_conditional = models.DecimalField(
        _("conditional from"), max_digits=4, decimal_places=1, default=50, **SCORE
    )
    fit_plateau_end = models.DecimalField(
        _("full fit up to ratio"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(1)],
    )
    fit_slope = models.DecimalField(
        _("points lost per unit of ratio above it"),
        max_digits=5,
        decimal_places=2,
        default=20,
        validators=[MinValueValidator(0)],
    )
    fit_floor = models.DecimalField(
        _("lowest fit points"), max_digits=4, decimal_places=1, default=20, **SCORE
    )
    oversized_warning_ratio = models.DecimalField(
        _("oversized warning above mean ratio"),
        max_digits=4,
        decimal_places=2,
        default=3,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("scorecard template")
        verbose_name_plural = _("scorecard templates")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="template_name_version"),
            # At most one published version of a template at a time.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(status="published"),
                name="template_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


@tracked()
class Criterion(models.Model):
    """A criterion of a template version, with its weight (all weights sum to 100)."""

    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class SubItem(models.Model):
    """A rated sub-item of a criterion, with what a 1, 3 and 5 look like."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="subitems")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    level_1 = models.CharField(_("what a 1 looks like"), max_length=300, blank=True)
    level_3 = models.CharField(_("what a 3 looks like"), max_length=300, blank=True)
    level_5 = models.CharField(_("what a 5 looks like"), max_length=300, blank=True)
    # The method's "is a red flag" ratings (e.g. previous_partner = 1: dropped by a former
    # supplier for dumping, diversion or debts) veto like a ticked red flag.
    red_flag_level = models.PositiveSmallIntegerField(
        _("red flag at or below level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A rating at or below this level is a red flag: the dealer is rejected."),
    )

    class Meta:
        verbose_name = _("sub-item")
        verbose_name_plural = _("sub-items")
        ordering = ["criterion__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="subitem_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="subitem_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Candidates ------------------------------------------------------------------------------


@tracked()
class Candidate(TimeStampedModel):
    """A dealer candidate in a market: profile, capacity measures and pipeline stage."""

    external_code = models.CharField(_("external code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_entity = models.CharField(_("legal entity"), max_length=200, blank=True)
    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="dealer_candidates",
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.DOOR_TO_DOOR
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PROSPECT
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    owner_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible rep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dealer_candidates",
    )
    # Identity and contacts
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_territory = models.ForeignKey(
        "markets.Territory",
        verbose_name=_("address territory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Business
    product_lines = models.TextField(_("main product lines and monthly volumes"), blank=True)
    prices = models.TextField(_("prices"), blank=True)
    areas_served = models.CharField(_("areas served"), max_length=300, blank=True)
    sales_facilities = models.CharField(_("stores / showrooms"), max_length=300, blank=True)
    stock_value = models.DecimalField(_("stock value (¥)"), null=True, blank=True, **MONEY)
    delivery_vehicles = models.PositiveIntegerField(_("delivery vehicles"), null=True, blank=True)
    outlets_by_channel = models.JSONField(
        _("outlets covered per channel"), default=dict, blank=True
    )
    wholesale_tier = models.CharField(
        _("wholesale tier"), max_length=10, choices=WholesaleTier.choices, blank=True
    )
    ka_stores_supplied = models.PositiveIntegerField(_("KA stores supplied"), null=True, blank=True)
    brands_competing = models.CharField(_("competing brands carried"), max_length=300, blank=True)
    brands_complementary = models.CharField(
        _("complementary brands carried"), max_length=300, blank=True
    )
    peers_opinion = models.TextField(_("peers' opinion"), blank=True)
    attitude_to_us = models.TextField(_("knowledge of and attitude to our company"), blank=True)
    # Capacity measures compared with the market plan (strength fit)
    working_capital = models.DecimalField(
        _("working capital for our line (¥)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    warehouse_m2 = models.DecimalField(
        _("usable warehouse area (m²)"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deliverable_outlets_per_week = models.PositiveIntegerField(
        _("outlets it can deliver to per week"), null=True, blank=True
    )
    covered_outlets = models.PositiveIntegerField(
        _("target-channel outlets covered"), null=True, blank=True
    )
    # Finance
    banks = models.CharField(_("banks"), max_length=200, blank=True)
    credit_standing = models.CharField(_("credit standing"), max_length=200, blank=True)
    investments = models.TextField(_("investments"), blank=True)
    loans_and_debts = models.TextField(_("loans and debts"), blank=True)
    # Owner (sensitive: managers and HQ only) and staff
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    owner_education = models.CharField(_("owner's education"), max_length=200, blank=True)
    owner_experience = models.TextField(_("owner's experience"), blank=True)
    owner_interests = models.CharField(_("owner's interests"), max_length=200, blank=True)
    owner_health = models.CharField(_("owner's health"), max_length=200, blank=True)
    owner_assets = models.TextField(_("owner's personal assets"), blank=True)
    staff_headcount = models.PositiveIntegerField(_("staff headcount"), null=True, blank=True)
    staff_profile = models.TextField(_("staff profile"), blank=True)
    # Reputation: red flags confirmed outside a scorecard (e.g. a confirmed diversion case).
    confirmed_red_flags = models.JSONField(_("confirmed red flags"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = CandidateQuerySet.as_manager()

    # Capacity measures: changing one re-scores the candidate's evaluations.
    CAPACITY_FIELDS = (
        "working_capital",
        "warehouse_m2",
        "deliverable_outlets_per_week",
        "covered_outlets",
    )
    OWNER_FIELDS = (
        "owner_name",
        "owner_education",
        "owner_experience",
        "owner_interests",
        "owner_health",
        "owner_assets",
    )

    class Meta:
        verbose_name = _("dealer candidate")
        verbose_name_plural = _("dealer candidates")
        ordering = ["market", "name"]
        indexes = [models.Index(fields=["market", "stage"], name="candidate_market_stage")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="rejected") | ~Q(rejection_reason=""),
                name="candidate_rejected_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tracked(updates=False, deletes=False)
class StageChange(models.Model):
    """One move of a candidate through the pipeline: who, when, why, which rules overridden."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    overridden_rules = models.JSONField(_("rules overridden"), default=list, blank=True)
    # Signed over a territory/channel overlap a manager confirmed (rule 5).
    overlap_confirmed = models.BooleanField(_("overlap confirmed"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden_rules=[]) | ~Q(reason=""),
                name="stage_override_needs_reason",
            )
        ]

    # --- Evaluations ------------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.from_stage} → {self.to_stage}"


# The audit trail records what people enter (ratings, notes, flags); score changes from
# recomputation are kept in EvaluationScore instead, written set-based by the same
# statement (a row trigger per re-scored evaluation would cost 5x the recomputation).
@tracked(only=("ratings", "notes", "red_flags", "submitted", "evaluator"))
class Evaluation(TimeStampedModel):
    """A filled scorecard: ratings, notes, red flags and the scores computed from them.

    Ratings are a JSON object {sub-item code: 1..5} so a whole template's recomputation is
    a few set-based statements; the scores record the template version that produced them
    and every scoring is kept in EvaluationScore.
    """

    # The full scoring of the save that returned this instance (fit table, missing ratings);
    # not stored: see ``services.evaluation_save``.
    result: scoring.Result | None = None

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="evaluations")
    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        # Not indexed, so re-scoring (which moves rows to a new version) can be a HOT update.
        db_index=False,
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ratings = models.JSONField(_("ratings"), default=dict, blank=True)
    notes = models.JSONField(_("evidence notes"), default=dict, blank=True)
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    submitted = models.BooleanField(_("submitted"), default=False)
    # Computed
    criteria_scores = models.JSONField(_("criterion scores"), default=dict, blank=True)
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices, blank=True)
    dealer_type = models.CharField(
        _("dealer type"), max_length=10, choices=DealerType.choices, blank=True
    )
    oversized = models.BooleanField(_("oversized"), default=False)
    # Why: the gate that decided and its facts (scoring.Result.reasons; words from
    # dealers.explain.describe). Empty while there is no decision.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    # What the stored scores were computed from (template, market need, candidate
    # measures); a recompute skips rows whose inputs are unchanged. '' = unknown.
    score_inputs = models.CharField(max_length=300, blank=True, editable=False)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["candidate", "-created_at"], name="evaluation_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="evaluation_total_range",
            ),
            # One open draft per evaluator and candidate: autosaves continue it, so two
            # concurrent saves can never leave two drafts (services.evaluation_save).
            models.UniqueConstraint(
                fields=["candidate", "evaluator"],
                condition=Q(submitted=False),
                name="evaluation_one_open_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.created_at:%Y-%m-%d}"


class EvaluationScore(models.Model):
    """One scoring of an evaluation (score history): result and the template version used."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criteria_scores = models.JSONField(_("criterion scores"), default=dict)
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, null=True)
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices, blank=True)
    dealer_type = models.CharField(_("dealer type"), max_length=10, choices=DealerType.choices)
    oversized = models.BooleanField(_("oversized"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    job = models.ForeignKey(
        "RecomputeJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["evaluation", "-created_at"], name="score_history")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.total} {self.decision}"


@tracked(deletes=False)
class RecomputeJob(ProgressJob):
    """A background recomputation of evaluations, with its progress for the UI."""

    kind = models.CharField(_("kind"), max_length=20, choices=RecomputeKind.choices)
    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    market = models.ForeignKey(
        "markets.Market", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField(_("evaluations"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)

    class Meta:
        verbose_name = _("recompute job")
        verbose_name_plural = _("recompute jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class EvaluationSheet(ClaimedJob, TimeStampedModel):
    """The rendered A4 evaluation sheet (PDF) of a candidate in one language, versioned."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sheets")
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.PENDING
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    # Fingerprint of the scores the current file shows; a different one means stale.
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("file"), upload_to="dealers/sheets/", blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    render_seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation sheet")
        verbose_name_plural = _("evaluation sheets")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "language"], name="sheet_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.language} v{self.version}"


# --- Contracts and dealers -----------------------------------------------------------------


@tracked()
class Contract(TimeStampedModel):
    """The contract with a candidate; there is deliberately no exclusivity field."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="contract")
    territories = models.ManyToManyField(
        "markets.Territory", verbose_name=_("territories"), related_name="+"
    )
    channels = models.JSONField(_("channels"), default=list)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=20,
        choices=PaymentTerms.choices,
        default=PaymentTerms.PREPAYMENT,
    )
    credit_limit = models.DecimalField(_("credit limit (¥)"), default=0, **MONEY)
    price_floor = models.DecimalField(_("price floor (¥/unit)"), null=True, blank=True, **MONEY)
    annual_target = models.DecimalField(_("annual target (¥)"), null=True, blank=True, **MONEY)
    first_order = models.DecimalField(_("first order (¥)"), null=True, blank=True, **MONEY)
    terms = models.TextField(_("other terms"), blank=True)
    note = models.TextField(_("note"), blank=True)

    # Every free text of a contract, checked for exclusivity wordings on each save (rule 4).
    TEXT_FIELDS = ("terms", "note")
    # What a user or an ERP edits, in the order the form and the API show it.
    EDITABLE_FIELDS = (
        "territories",
        "channels",
        "term_start",
        "term_end",
        "payment_terms",
        "credit_limit",
        "price_floor",
        "annual_target",
        "first_order",
        *TEXT_FIELDS,
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="contract_term_order"
            ),
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="contract_credit_ge0"),
            models.CheckConstraint(
                condition=~Q(payment_terms="prepayment") | Q(credit_limit=0),
                name="contract_prepayment_no_credit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.term_start}–{self.term_end}"


@tracked()
class Dealer(TimeStampedModel):
    """An appointed dealer: a signed candidate with its contract."""

    # Dealers signed in DealerHub come from a candidate; dealers an ERP pushes may not.
    candidate = models.OneToOneField(
        Candidate, on_delete=models.PROTECT, related_name="dealer", null=True, blank=True
    )
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="dealers")
    name = models.CharField(_("name"), max_length=200)
    external_code = models.CharField(_("external code"), max_length=64, unique=True)
    legal_name = models.CharField(_("legal entity"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    credit_limit = models.DecimalField(
        _("credit limit (¥)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("dealer since"))
    overlap_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overlap_note = models.TextField(_("overlap at signing"), blank=True)

    objects = DealerQuerySet.as_manager()

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["market", "name"]
        indexes = [
            models.Index(fields=["market", "active"], name="dealer_market_active"),
            models.Index(fields=["updated_at", "id"], name="dealer_sync_cursor"),
        ]

    def __str__(self) -> str:
        return self.name


def _default_exclusivity_words() -> list[str]:
    return list(rules.DEFAULT_EXCLUSIVITY_WORDS)


@tracked()
class PipelineSettings(models.Model):
    """The pipeline rules' global settings (one row; HQ edits it): survey threshold,
    qualification window and the exclusivity wordings."""

    SINGLETON_ID = 1

    survey_min_completeness = models.PositiveSmallIntegerField(
        _("market survey completeness needed past screening (%)"),
        default=rules.DEFAULT_SURVEY_MIN_COMPLETENESS,
        validators=[MaxValueValidator(100)],
    )
    qualified_within_days = models.PositiveSmallIntegerField(
        _("qualified candidates evaluated within (days)"),
        default=rules.DEFAULT_QUALIFIED_WITHIN_DAYS,
        validators=[MinValueValidator(1)],
    )
    exclusivity_words = models.JSONField(
        _("exclusivity wordings"), default=_default_exclusivity_words
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pipeline settings")
        verbose_name_plural = _("pipeline settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="pipeline_settings_singleton"),
            models.CheckConstraint(
                condition=Q(survey_min_completeness__lte=100),
                name="pipeline_settings_survey_percent",
            ),
            models.CheckConstraint(
                condition=Q(qualified_within_days__gte=1), name="pipeline_settings_days_ge1"
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


@tracked()
class ObjectionAnswer(models.Model):
    """The prepared answer to one of the four objections (editable playbook)."""

    objection = models.CharField(
        _("objection"), max_length=20, choices=Objection.choices, unique=True
    )
    heading = models.CharField(_("what the dealer says"), max_length=200)
    answer = models.TextField(_("prepared answer"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("objection answer")
        verbose_name_plural = _("objection playbook")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.heading


# --- Blacklist (黑名单) ----------------------------------------------------------------------


@tracked()
class BlacklistEntry(TimeStampedModel):
    """A firm vetoed for reputation, remembered across markets by its normalised keys.

    The firm's details and the evidence are copied at the veto, so the entry can be shown
    to managers of other markets without opening the vetoed candidate's record.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=BlacklistKind.choices)
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("vetoed candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blacklist_entries",
    )
    dealer = models.ForeignKey(
        "Dealer",
        verbose_name=_("dealer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="blacklist_entries",
    )
    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    firm_name = models.CharField(_("firm"), max_length=200)
    legal_entity = models.CharField(_("legal entity"), max_length=200, blank=True)
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Normalised keys (dealers.blacklist); '' never matches.
    legal_entity_key = models.CharField(max_length=200, blank=True, editable=False)
    owner_key = models.CharField(max_length=100, blank=True, editable=False)
    phone_key = models.CharField(max_length=30, blank=True, editable=False)
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    reputation_score = models.DecimalField(
        _("reputation score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("reason given"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["legal_entity_key"],
                condition=~Q(legal_entity_key=""),
                name="blacklist_legal_entity_key",
            ),
            models.Index(
                fields=["owner_key"], condition=~Q(owner_key=""), name="blacklist_owner_key"
            ),
            models.Index(
                fields=["phone_key"], condition=~Q(phone_key=""), name="blacklist_phone_key"
            ),
        ]
        constraints = [
            # One entry per vetoed firm: a later veto adds its evidence to it, so a new
            # candidate is not flagged twice for the same firm.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(candidate__isnull=False),
                name="blacklist_one_entry_per_candidate",
            ),
            models.UniqueConstraint(
                fields=["dealer"],
                condition=Q(dealer__isnull=False),
                name="blacklist_one_entry_per_dealer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_name} ({self.get_kind_display()})"

    @property
    def red_flag_labels(self) -> list[str]:
        return [str(RedFlag(flag).label) for flag in self.red_flags if flag in RedFlag.values]


class CandidateKeys(models.Model):
    """A candidate's normalised identity keys, so a new veto finds candidates already
    entered elsewhere (derived data, rewritten on every screening; not audited)."""

    candidate = models.OneToOneField(
        Candidate, on_delete=models.CASCADE, primary_key=True, related_name="blacklist_keys"
    )
    legal_entity_key = models.CharField(max_length=200, blank=True)
    owner_key = models.CharField(max_length=100, blank=True)
    phone_key = models.CharField(max_length=30, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["legal_entity_key"],
                condition=~Q(legal_entity_key=""),
                name="candidatekeys_legal_entity",
            ),
            models.Index(
                fields=["owner_key"], condition=~Q(owner_key=""), name="candidatekeys_owner"
            ),
            models.Index(
                fields=["phone_key"], condition=~Q(phone_key=""), name="candidatekeys_phone"
            ),
        ]

    def __str__(self) -> str:
        return str(self.candidate_id)


@tracked()
class BlacklistMatch(models.Model):
    """A candidate that shares a key with a blacklist entry: flagged until HQ clears it."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="blacklist_matches"
    )
    entry = models.ForeignKey(BlacklistEntry, on_delete=models.CASCADE, related_name="matches")
    matched_keys = models.JSONField(_("matched on"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN
    )
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clear_reason = models.TextField(_("why it is a false match"), blank=True)

    objects = BlacklistMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("blacklist match")
        verbose_name_plural = _("blacklist matches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "entry"], name="blacklist_match_once"),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(clear_reason="") & Q(cleared_at__isnull=False)),
                name="blacklist_cleared_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} ~ {self.entry_id} ({self.status})"

    @property
    def matched_key_labels(self) -> list[str]:
        return [str(MatchKey(key).label) for key in self.matched_keys if key in MatchKey.values]
