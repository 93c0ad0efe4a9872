"""Moving candidates through the pipeline under the method's rules; contracts and signing."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events
from dealerhub.core.concurrency import refuse_stale
from markets.choices import Channel

from .. import policies, rules, selectors
from ..choices import (
    ALLOWED_MOVES,
    Stage,
)
from ..models import (
    Candidate,
    Contract,
    Dealer,
    PipelineSettings,
    StageChange,
)


def stage_move_violations(*, candidate: Candidate, to_stage: str) -> list[rules.RuleViolation]:
    """Which of the spec's rules 1–5 a move breaks (empty = allowed without override)."""
    return rules.move_violations(selectors.move_facts(candidate), to_stage)


class RuleRefused(ValidationError):
    """A move a rule forbids for this user; ``violations`` says which (the API names them)."""

    def __init__(self, message, *, violations: list[rules.RuleViolation], forbidden: bool = False):
        super().__init__(message)
        self.violations = violations
        self.rules_broken = sorted({violation.rule for violation in violations})
        # True when the user asked to override or confirm but may not (403), not a plain
        # refusal (400).
        self.forbidden = forbidden


@transaction.atomic
def candidate_move(
    *,
    candidate_id: int,
    to_stage: str,
    user,
    reason: str = "",
    override: bool = False,
    confirm_overlap: bool = False,
    rejection_reason: str = "",
) -> StageChange:
    """Move a candidate to another stage under rules 1–5.

    Rules 1–3 and 5 give way only to an HQ admin's override with a written reason; rule 4
    (a contract, without exclusivity) to nobody; rule 5's overlap to a manager's (or HQ
    admin's) confirmation. Overrides and confirmations are kept in the stage change."""
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("market__territory")
        .get(pk=candidate_id)
    )
    from_stage = candidate.stage
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    if to_stage not in ALLOWED_MOVES[Stage(from_stage)]:
        raise ValidationError(
            {
                "to_stage": _("A candidate cannot move from %(from)s to %(to)s.")
                % {"from": Stage(from_stage).label, "to": Stage(to_stage).label}
            }
        )
    reason = (reason or "").strip()
    if to_stage == Stage.REJECTED and not rejection_reason:
        raise ValidationError({"rejection_reason": _("Give the reason for rejecting.")})
    if to_stage == Stage.SIGNED:
        # The contract is locked so an edit cannot slip exclusivity in while it is signed.
        Contract.objects.select_for_update().filter(candidate=candidate).first()
    violations = stage_move_violations(candidate=candidate, to_stage=to_stage)
    broken = sorted({v.rule for v in violations})
    confirmed = False
    overridden: list[int] = []
    never = [v for v in violations if v.rule == rules.RULE_EXCLUSIVITY]
    if never:
        raise RuleRefused({"to_stage": [v.message for v in never]}, violations=never)
    if broken == [rules.RULE_OVERLAP] and confirm_overlap and policies.can_confirm_overlap(user):
        confirmed = True
    elif violations:
        if not override:
            if confirm_overlap and broken == [rules.RULE_OVERLAP]:
                raise RuleRefused(
                    {"confirm_overlap": _("Only a manager can confirm an overlap (rule 5).")},
                    violations=violations,
                    forbidden=True,
                )
            raise RuleRefused({"to_stage": [v.message for v in violations]}, violations=violations)
        if not policies.can_override(user):
            raise RuleRefused(
                {
                    "override": _(
                        "Only an HQ admin can override rules 1–3 and 5 (rules broken: %(rules)s)."
                    )
                    % {"rules": ", ".join(str(rule) for rule in broken)}
                },
                violations=violations,
                forbidden=True,
            )
        if not reason:
            raise ValidationError({"reason": _("An override needs a written reason.")})
        overridden = broken
        confirmed = rules.RULE_OVERLAP in broken
    candidate.stage = to_stage
    candidate.stage_changed_at = timezone.now()
    candidate.rejection_reason = rejection_reason if to_stage == Stage.REJECTED else ""
    candidate.full_clean()
    candidate.save()
    change = StageChange.objects.create(
        candidate=candidate,
        from_stage=from_stage,
        to_stage=to_stage,
        by=user,
        reason=reason,
        overridden_rules=overridden,
        overlap_confirmed=confirmed,
    )
    if to_stage == Stage.SIGNED:
        _appoint_dealer(candidate=candidate, user=user, confirmed=confirmed)
    return change


def _appoint_dealer(*, candidate: Candidate, user, confirmed: bool) -> Dealer:
    contract = candidate.contract
    overlaps = selectors.contract_overlaps(contract)
    note = "; ".join(f"{dealer} · {path} · {channel}" for dealer, path, _new, channel in overlaps)
    dealer, _created = Dealer.objects.update_or_create(
        candidate=candidate,
        defaults={
            "market": candidate.market,
            "name": candidate.name,
            "external_code": candidate.external_code,
            "active": True,
            "since": contract.term_start,
            "overlap_confirmed_by": user if confirmed else None,
            "overlap_note": note,
        },
    )
    events.publish(
        event=events.DEALER_SIGNED,
        data={
            "dealer": dealer.external_code,
            "name": dealer.name,
            "market": candidate.market.territory.code,
            "since": dealer.since.isoformat() if dealer.since else None,
            "overlaps": note,
        },
        territory_path=candidate.market.territory.path,
    )
    return dealer


@transaction.atomic
def contract_save(
    *,
    candidate_id: int,
    territory_ids: list[int],
    channels: list[str],
    values: dict,
    expected_updated_at=None,
) -> Contract:
    """Record or edit the contract of a candidate (no exclusivity field, by design; no
    exclusivity wording in any of its texts either, rule 4)."""

    candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
    contract = Contract.objects.filter(candidate=candidate).first() or Contract(candidate=candidate)
    if contract.pk:
        refuse_stale(contract.updated_at, expected_updated_at)
    bad = [channel for channel in channels if channel not in Channel.values]
    if bad or not channels:
        raise ValidationError({"channels": _("Choose one or more known channels.")})
    if not territory_ids:
        raise ValidationError({"territories": _("Choose the territories the dealer serves.")})
    for name, value in values.items():
        setattr(contract, name, value)
    contract.channels = sorted(set(channels))
    # Rule 4, never overridable: every text, on every save (not only at signing).
    found = rules.contract_exclusivity(
        selectors.contract_texts(contract), selectors.exclusivity_words()
    )
    if found:
        raise ValidationError(
            {name: rules.exclusivity_message(words) for name, words in found.items()}
        )
    if contract.payment_terms == "prepayment":
        contract.credit_limit = Decimal(0)
    contract.full_clean(exclude=["territories"])
    contract.save()
    contract.territories.set(territory_ids)
    return contract


@transaction.atomic
def pipeline_settings_save(*, values: dict, expected_updated_at=None) -> PipelineSettings:
    """HQ's edit of the pipeline rules' settings (one row, created on first save)."""
    settings, created = PipelineSettings.objects.select_for_update().get_or_create(
        pk=PipelineSettings.SINGLETON_ID
    )
    if not created:
        refuse_stale(settings.updated_at, expected_updated_at)
    words = values.pop("exclusivity_words", None)
    if words is not None:
        cleaned = list(dict.fromkeys(word.strip() for word in words if word.strip()))
        if not cleaned:
            raise ValidationError(
                {"exclusivity_words": _("Keep at least one exclusivity wording.")}
            )
        settings.exclusivity_words = cleaned
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings
