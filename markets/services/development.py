"""A market's development: profile, gated status workflow, success checklist and plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core.concurrency import refuse_stale
from dealerhub.core.scoping import path_visible

from .. import hooks, rules
from ..choices import Channel, ChecklistKey, TerritoryLevel
from ..models import ChecklistTick, Market, MarketPlan, MarketStatusChange, Territory
from ..selectors import market_checklist


class FocusConfirmationNeeded(ValidationError):
    """The rep would hold more than three markets in trial/developing: a manager must confirm."""


class OverrideNeeded(ValidationError):
    """A policy rule blocks the change; only an HQ admin with a written reason may override."""


def _rep_focus_count(*, rep_id: int, exclude_market_id: int) -> int:

    return (
        Market.objects.filter(rep_id=rep_id, status__in=rules.FOCUS_STATUSES)
        .exclude(pk=exclude_market_id)
        .count()
    )


MARKET_LEVELS = (TerritoryLevel.CITY, TerritoryLevel.COUNTY)


def _check_rep(rep, territory: Territory) -> None:
    """Only an active rep whose territories cover the market can hold it (as on the form)."""
    if rep is None:
        return
    if not (rep.is_active and rep.is_rep and path_visible(territory.path, rep.scope_paths)):
        raise ValidationError({"rep": _("This rep does not cover this territory.")})


def _confirm_focus(*, rep_id: int, exclude_market_id: int | None, by, confirm_focus: bool):
    """Rule 2 when a market is given to a rep: a fourth market in trial/developing warns
    and needs a manager's (or HQ's) confirmation."""
    warning = rules.focus_warning(
        _rep_focus_count(rep_id=rep_id, exclude_market_id=exclude_market_id or 0)
    )
    if warning and not (confirm_focus and by is not None and (by.is_manager or by.is_hq)):
        raise FocusConfirmationNeeded({"rep": warning})


@transaction.atomic
def market_open(
    *,
    territory: Territory,
    rep,
    by,
    income_level: str = "",
    pillar_industries: str = "",
    notes: str = "",
    confirm_focus: bool = False,
) -> Market:
    """Open a market (status blank) for a city or county territory, held by ``rep``.

    The market starts blank, but the rep it is given to works it towards trial: when the
    rep already holds three markets in trial/developing, the focus warning of rule 2
    applies here as on any assignment and a manager must confirm. Concurrent opens of one
    territory are serialised by the territory's row lock; the second is refused.
    """
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    if territory.level not in MARKET_LEVELS:
        raise ValidationError({"territory": _("Only a city or a county can be a market.")})
    if Market.objects.filter(territory=territory).exists():
        raise ValidationError({"territory": _("This territory already has a market.")})
    _check_rep(rep, territory)
    if rep is not None:
        _confirm_focus(rep_id=rep.pk, exclude_market_id=None, by=by, confirm_focus=confirm_focus)
    market = Market(
        territory=territory,
        rep=rep,
        income_level=income_level.strip(),
        pillar_industries=pillar_industries.strip(),
        notes=notes,
    )
    market.full_clean()
    market.save()
    return market


@transaction.atomic
def market_update_profile(
    *,
    market_id: int,
    expected_updated_at,
    income_level: str,
    pillar_industries: str,
    notes: str,
    rep_id: int | None,
    by=None,
    confirm_focus: bool = False,
):
    """Update a market's profile fields, refusing to overwrite someone else's newer edit."""

    market = Market.objects.select_for_update().select_related("territory").get(pk=market_id)
    refuse_stale(market.updated_at, expected_updated_at)
    if rep_id and rep_id != market.rep_id:
        rep_model = Market._meta.get_field("rep").related_model
        _check_rep(rep_model._default_manager.filter(pk=rep_id).first(), market.territory)
    if rep_id and rep_id != market.rep_id and market.status in rules.FOCUS_STATUSES:
        _confirm_focus(
            rep_id=rep_id, exclude_market_id=market.pk, by=by, confirm_focus=confirm_focus
        )
    market.income_level = income_level
    market.pillar_industries = pillar_industries
    market.notes = notes
    market.rep_id = rep_id
    market.full_clean()
    market.save()
    return market


def _central_city_status(market) -> str | None:

    territory = market.territory
    if territory.level != TerritoryLevel.COUNTY:
        return None
    city_code = next(
        (code for code in reversed(territory.ancestor_codes)),
        None,
    )
    return (
        Market.objects.filter(territory__code=city_code, territory__level=TerritoryLevel.CITY)
        .values_list("status", flat=True)
        .first()
    )


@transaction.atomic
def market_change_status(
    *,
    market_id: int,
    target: str,
    by,
    reason: str = "",
    override_reason: str = "",
    confirm_focus: bool = False,
):
    """Move a market along the pipeline, enforcing the policy rules; keeps the history."""

    market = Market.objects.select_for_update().select_related("territory").get(pk=market_id)
    lines = market_checklist(market=market) if target == "developed" else []
    facts = rules.TransitionFacts(
        current=market.status,
        target=target,
        reason=reason,
        is_county=market.territory.level == TerritoryLevel.COUNTY,
        central_city_status=_central_city_status(market),
        checklist_met=rules.checklist_met(lines),
        rep_focus_count=(
            _rep_focus_count(rep_id=market.rep_id, exclude_market_id=market.pk)
            if market.rep_id
            else 0
        ),
        has_rep=market.rep_id is not None,
    )
    verdict = rules.check_transition(facts)
    if verdict.errors:
        raise ValidationError(verdict.errors)
    if verdict.needs_override:
        if not by.is_hq:
            raise OverrideNeeded({"status": verdict.needs_override})
        if not override_reason.strip():
            raise OverrideNeeded({"override_reason": _("An override needs a written reason.")})
    else:
        override_reason = ""
    if verdict.needs_focus_confirm and not (confirm_focus and (by.is_manager or by.is_hq)):
        raise FocusConfirmationNeeded({"status": verdict.needs_focus_confirm})
    change = MarketStatusChange(
        market=market,
        from_status=market.status,
        to_status=target,
        reason=reason.strip(),
        override_reason=override_reason.strip(),
        focus_confirmed=bool(verdict.needs_focus_confirm),
        changed_by=by,
    )
    market.status = target
    market.status_reason = reason.strip() if target == "paused" else market.status_reason
    if target != "paused":
        market.status_reason = ""
    market.full_clean()
    market.save()
    change.save()
    return change


@transaction.atomic
def checklist_tick(*, market_id: int, key: str, met: bool, evidence: str, by):
    """Tick (or untick) a hand-checked success item; evidence is required."""

    if key not in ChecklistKey.values or key in rules.COMPUTED_KEYS:
        raise ValidationError({"key": _("This item cannot be ticked by hand.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Give the evidence for this item.")})
    tick, _created = ChecklistTick.objects.update_or_create(
        market_id=market_id,
        key=key,
        defaults={"met": met, "evidence": evidence.strip(), "ticked_by": by},
    )
    return tick


def _clean_channel_plan(value) -> dict:

    if not isinstance(value, dict):
        raise ValidationError({"channel_plan": _("Expected an object keyed by channel.")})
    cleaned = {}
    for channel, row in value.items():
        if channel not in Channel.values:
            raise ValidationError(
                {"channel_plan": _("Unknown channel %(channel)r.") % {"channel": channel}}
            )
        row = row or {}
        numbers = {}
        for key in ("dealers", "outlets"):
            number = row.get(key)
            if number in (None, ""):
                continue
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise ValidationError(
                    {"channel_plan": _("Dealers and outlets must be whole numbers ≥ 0.")}
                )
            numbers[key] = number
        if numbers:
            cleaned[channel] = numbers
    return cleaned


def queue_dealer_recompute(*, market_id: int) -> None:
    """Tell the apps above that capacity changed (dealers writes its re-scoring job row in
    this transaction and queues it on commit)."""
    hooks.market_capacity_changed.send(market_id=market_id)


@transaction.atomic
def market_plan_save(*, market_id: int, expected_updated_at=None, **values):
    """Create or update a market's plan; queues the dealer recompute when capacity changed."""

    unknown = set(values) - set(MarketPlan.PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    market = Market.objects.select_for_update().get(pk=market_id)
    plan = MarketPlan.objects.filter(market=market).first() or MarketPlan(market=market)
    refuse_stale(plan.updated_at if plan.pk else None, expected_updated_at)
    if "channel_plan" in values:
        values["channel_plan"] = _clean_channel_plan(values["channel_plan"] or {})
    if values.get("external_code") == "":
        values["external_code"] = None
    before = {name: getattr(plan, name) for name in MarketPlan.CAPACITY_FIELDS} if plan.pk else None
    for name, value in values.items():
        setattr(plan, name, value)
    if plan.start_date and plan.target_date and plan.target_date < plan.start_date:
        raise ValidationError({"target_date": _("The target date is before the start.")})
    plan.full_clean()
    plan.save()
    after = {name: getattr(plan, name) for name in MarketPlan.CAPACITY_FIELDS}
    if before != after:
        queue_dealer_recompute(market_id=market.pk)
    return plan
