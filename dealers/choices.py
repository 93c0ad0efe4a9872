from django.db import models
from django.utils.translation import gettext_lazy as _

from dealerhub.core.models import JobStatus  # noqa: F401 - one job status for every app

from . import scoring


class Stage(models.TextChoices):
    """The five-step pipeline (五大动作流程) plus the two side exits."""

    PROSPECT = "prospect", _("Prospect")
    SCREENING = "screening", _("Screening")
    EVALUATION = "evaluation", _("Evaluation")
    SELECTED = "selected", _("Selected")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    NURTURE = "nurture", _("Nurture")
    REJECTED = "rejected", _("Rejected")


# Moves a user may make from each stage (rules 1–5 are checked on top).
ALLOWED_MOVES = {
    Stage.PROSPECT: {Stage.SCREENING, Stage.NURTURE, Stage.REJECTED},
    Stage.SCREENING: {Stage.PROSPECT, Stage.EVALUATION, Stage.NURTURE, Stage.REJECTED},
    Stage.EVALUATION: {Stage.SCREENING, Stage.SELECTED, Stage.NURTURE, Stage.REJECTED},
    Stage.SELECTED: {Stage.EVALUATION, Stage.NEGOTIATING, Stage.NURTURE, Stage.REJECTED},
    Stage.NEGOTIATING: {Stage.SELECTED, Stage.SIGNED, Stage.NURTURE, Stage.REJECTED},
    Stage.SIGNED: set(),
    Stage.NURTURE: {Stage.SCREENING, Stage.EVALUATION, Stage.REJECTED},
    Stage.REJECTED: {Stage.PROSPECT},
}
# Stages past screening need a market survey (rule 1).
PAST_SCREENING = {Stage.EVALUATION, Stage.SELECTED, Stage.NEGOTIATING, Stage.SIGNED}
BOARD_STAGES = [
    Stage.PROSPECT,
    Stage.SCREENING,
    Stage.EVALUATION,
    Stage.SELECTED,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.NURTURE,
    Stage.REJECTED,
]


class Source(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door")
    ONLINE = "online", _("Online")
    REFERRAL = "referral", _("Referral")
    TERMINAL_INQUIRY = "terminal_inquiry", _("Terminal inquiry")


class RejectionReason(models.TextChoices):
    REPUTATION = "reputation", _("Reputation veto")
    STRENGTH = "strength", _("Insufficient strength")
    OTHER = "other", _("Other")


class WholesaleTier(models.TextChoices):
    FIRST = "first", _("First-tier wholesaler (一批)")
    SECOND = "second", _("Second-tier wholesaler (二批)")
    OTHER = "other", _("Other")


class FitMeasure(models.TextChoices):
    """The quantified strength sub-items of the fit table, named by what they measure."""

    FINANCE = "finance", _("Working capital for our line (¥)")
    WAREHOUSE = "warehouse", _("Usable warehouse area (m²)")
    TRANSPORT = "transport", _("Outlets it can deliver to per week")
    NETWORK = "network", _("Target-channel outlets covered")


class RedFlag(models.TextChoices):
    PRICE_DUMPING = scoring.RED_FLAGS[0], _("Price dumping (砸价)")
    DIVERSION = scoring.RED_FLAGS[1], _("Diversion (冲货)")
    WITHHOLDING_PAYMENTS = scoring.RED_FLAGS[2], _("Withholding payments (截流货款)")


class Decision(models.TextChoices):
    REJECT = scoring.REJECT, _("Reject")
    NURTURE = scoring.NURTURE, _("Nurture")
    INSUFFICIENT = scoring.INSUFFICIENT, _("Insufficient strength")
    OVERSIZED = scoring.OVERSIZED, _("Oversized (the big customer bullies the factory)")
    STRONGLY_RECOMMENDED = scoring.STRONGLY_RECOMMENDED, _("Strongly recommended")
    RECOMMENDED = scoring.RECOMMENDED, _("Recommended")
    CONDITIONAL = scoring.CONDITIONAL, _("Conditional")
    NOT_RECOMMENDED = scoring.NOT_RECOMMENDED, _("Not recommended")


class DealerType(models.TextChoices):
    TYPE_1 = scoring.TYPE_1, _("Type 1: strong network, strong capital")
    TYPE_2 = scoring.TYPE_2, _("Type 2: capital, no network yet")
    TYPE_3 = scoring.TYPE_3, _("Type 3: no capital, modern ideas")
    TYPE_4 = scoring.TYPE_4, _("Type 4: none of these")
    UNKNOWN = scoring.TYPE_UNKNOWN, _("Unknown")


DEALER_TYPE_GUIDANCE = {
    scoring.TYPE_1: _("Industry leader; demanding terms; our brand will not be its priority."),
    scoring.TYPE_2: _("New to the trade with contacts elsewhere: first target."),
    scoring.TYPE_3: _("Viable with strong company support."),
    scoring.TYPE_4: _("“Let me pay a little and try”: not a target."),
    scoring.TYPE_UNKNOWN: _("Capital or network requirement or measure unknown."),
}


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class PaymentTerms(models.TextChoices):
    PREPAYMENT = "prepayment", _("Prepayment")
    ON_DELIVERY = "on_delivery", _("Cash on delivery")
    CREDIT = "credit", _("Credit")


class RecomputeKind(models.TextChoices):
    TEMPLATE = "template", _("Template version published")
    MARKET = "market", _("Market capacity changed")
    CANDIDATE = "candidate", _("Candidate capacity changed")


class SheetStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to render")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    STALE = "stale", _("Out of date, re-rendering")
    FAILED = "failed", _("Failed")


class Objection(models.TextChoices):
    PRICE_HIGH = "price_high", _("Your price is too high")
    RANGE_NARROW = "range_narrow", _("Your range is too narrow")
    SUPPORT_WEAK = "support_weak", _("Your support is weaker than others'")
    BRAND_UNKNOWN = "brand_unknown", _("Nobody knows your brand here")


class BlacklistKind(models.TextChoices):
    """Why a firm is on the blacklist (黑名单)."""

    REJECTION = "rejection", _("Rejected for reputation")
    SCORECARD = "scorecard", _("Scorecard reputation veto")
    RED_FLAG = "red_flag", _("Confirmed red flag")
    DIVERSION_CASE = "diversion_case", _("Confirmed diversion case")


class MatchKey(models.TextChoices):
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    OWNER = "owner", _("Owner")
    PHONE = "phone", _("Phone")


class MatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Cleared as a false match")
