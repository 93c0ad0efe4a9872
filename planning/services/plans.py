"""A region's plan as a whole: HQ's regional figure, the manager's proposal, HQ's approval."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from markets.models import Territory

from .. import policies, rules
from ..choices import Measure, PlanStatus
from ..models import RegionalFigure, TargetPlan
from .targets import _lock_grids, grid_total


@transaction.atomic
def regional_figure_set(
    *, by, region_id: int, year: int, measure: str, hq_value: Decimal | None
) -> RegionalFigure:
    """HQ sets (or clears) the top-down figure of a region's year for one measure."""
    if not policies.can_set_regional_figure(by):
        raise PermissionDenied
    if hq_value is not None and hq_value < 0:
        raise ValidationError({"hq_value": [_("The figure cannot be negative.")]})
    region = Territory.objects.get(pk=region_id)
    ((figure, _created),) = _lock_grids({(region.code, year, measure)}).values()
    figure.hq_value = hq_value
    figure.save(update_fields=["hq_value", "updated_at"])
    return figure


def _locked_plan(plan_id: int) -> TargetPlan:
    return (
        TargetPlan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan_id)
    )


@transaction.atomic
def plan_propose(*, by, plan_id: int) -> TargetPlan:
    """The manager proposes the region's targets to HQ. Every measure whose total differs
    from HQ's figure needs its written reason first."""
    if not policies.can_propose(by):
        raise PermissionDenied
    plan = _locked_plan(plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft can be proposed."))
    missing = [
        str(Measure(figure.measure).label)
        for figure in plan.figures.all()
        if rules.needs_reason(
            total=grid_total(region=plan.region, year=plan.year, measure=figure.measure),
            hq_figure=figure.hq_value,
        )
        and not figure.reason
    ]
    if missing:
        raise ValidationError(
            _("Differs from HQ's figure without a reason: %(measures)s.")
            % {"measures": ", ".join(missing)}
        )
    plan.status = PlanStatus.PROPOSED
    plan.proposed_by = by
    plan.proposed_at = timezone.now()
    plan.save(update_fields=["status", "proposed_by", "proposed_at", "updated_at"])
    return plan


@transaction.atomic
def plan_approve(*, by, plan_id: int) -> TargetPlan:
    """HQ approves a proposed plan; its targets are then HQ's to change."""
    if not policies.can_approve(by):
        raise PermissionDenied
    plan = _locked_plan(plan_id)
    if plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be approved."))
    plan.status = PlanStatus.APPROVED
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return plan
