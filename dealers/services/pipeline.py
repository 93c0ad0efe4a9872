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
    BlacklistKind,
    RejectionReason,
    Stage,
)
from ..models import (
    Candidate,
    Contract,
    Dealer,
    StageChange,
)
from .blacklist import blacklist_record_candidate


def stage_move_violations(*, candidate: Candidate, to_stage: str) -> list[rules.RuleViolation]:
    """Which of the spec's rules 1–5 a move breaks (empty = allowed without override)."""
    return rules.move_violations(selectors.move_facts(candidate, to_stage), to_stage)


@transaction.atomic
def candidate_move(
    *,
    candidate_id: int,
    to_stage: str,
    user,
    reason: str = "",
    override: bool = False,
    rejection_reason: str = "",
) -> StageChange:
    """Move a candidate to another stage, enforcing rules 1–5 (override: HQ/manager + reason)."""
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
    violations = stage_move_violations(candidate=candidate, to_stage=to_stage)
    overridden: list[int] = []
    if violations:
        if not override:
            raise ValidationError({"to_stage": [v.message for v in violations]})
        if not policies.can_override(user):
            raise ValidationError(
                {"override": _("Only an HQ admin or a regional manager can override the rules.")}
            )
        if not reason:
            raise ValidationError({"reason": _("An override needs a written reason.")})
        overridden = sorted({v.rule for v in violations})
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
    )
    if to_stage == Stage.REJECTED and rejection_reason == RejectionReason.REPUTATION:
        blacklist_record_candidate(
            candidate_id=candidate.pk, kind=BlacklistKind.REJECTION, user=user, note=reason
        )
    if to_stage == Stage.SIGNED:
        _appoint_dealer(candidate=candidate, user=user, overridden=overridden)
    return change


def _appoint_dealer(*, candidate: Candidate, user, overridden: list[int]) -> Dealer:
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
            "overlap_confirmed_by": user if 5 in overridden else None,
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
    """Record or edit the contract of a candidate (no exclusivity field, by design)."""

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
    if contract.payment_terms == "prepayment":
        contract.credit_limit = Decimal(0)
    contract.full_clean(exclude=["territories"])
    contract.save()
    contract.territories.set(territory_ids)
    return contract
