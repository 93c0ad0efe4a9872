"""Target pages: the region grid (edit, split, save), HQ's figure, proposal and approval,
the Excel import and export, and the revision history. Thin: selectors read, services
write, policies decide."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealerhub.core.forms import apply_errors

from . import policies, rules, selectors, services
from .choices import MONTHS, Measure, PlanStatus
from .forms import GridForm, RegionalFigureForm, TargetImportForm
from .models import TargetPlan

ZERO = Decimal(0)


def _region(request, code: str):
    region = selectors.region_for_user(user=request.user, code=code)
    if region is None:
        raise Http404
    return region


def _measure(measure: str) -> str:
    if measure not in Measure.values:
        raise Http404
    return measure


def _year(year: int) -> int:
    if not 2000 <= year <= 2099:
        raise Http404
    return year


def _grid_url(region, year, measure, with_dealers=False) -> str:
    url = reverse("planning:grid", args=[region.code, year, measure])
    return url + ("?dealers=1" if with_dealers else "")


@login_required
def target_index(request):
    """The regions the user reaches, with each year's plan status."""
    this_year = timezone.localdate().year
    regions = selectors.regions_for_user(user=request.user)
    plans = {
        (plan.region_id, plan.year): plan
        for plan in TargetPlan.objects.filter(
            region__in=regions, year__in=[this_year - 1, this_year, this_year + 1]
        )
    }
    rows = [
        {
            "region": region,
            "years": [
                {"year": year, "plan": plans.get((region.pk, year))}
                for year in (this_year - 1, this_year, this_year + 1)
            ],
        }
        for region in regions
    ]
    return render(
        request,
        "planning/target_index.html",
        {
            "rows": rows,
            "measures": Measure.choices,
            "can_import": policies.can_edit_targets(request.user),
        },
    )


def _editable(user, grid) -> bool:
    if not policies.can_edit_targets(user):
        return False
    approved = grid.plan is not None and grid.plan.status == PlanStatus.APPROVED
    return not approved or policies.can_edit_approved(user)


def _display_groups(form: GridForm):
    """The grid's groups with each row's cells as (bound field, value, last year) and
    totals from what the form holds (saved figures, or a split not saved yet)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else None
    groups, month_totals = [], [ZERO] * 12
    for group in form.grid.groups:
        rows, group_totals = [], [ZERO] * 12
        for row in group.rows:
            cells, total = [], ZERO
            for month in MONTHS:
                name = f"c-{row.key}-{month}"
                value = data.get(name) if data is not None else row.values.get(month)
                total += value or ZERO
                if not row.is_dealer:
                    group_totals[month - 1] += value or ZERO
                cells.append((form[name], value, row.last_year.get(month)))
            rows.append(
                {"row": row, "cells": cells, "total": total, "annual": form[f"t-{row.key}"]}
            )
        month_totals = [a + b for a, b in zip(month_totals, group_totals, strict=True)]
        groups.append(
            {"name": group.name, "rows": rows, "totals": group_totals, "total": sum(group_totals)}
        )
    return groups, month_totals


def _split(form: GridForm, action: str) -> dict[str, str] | None:
    """Fill cells by a split helper (not saved: the manager adjusts, then saves)."""
    grid, data = form.grid, form.cleaned_data
    filled: dict[str, str] = {}
    if action.startswith("split-months:"):
        key = action.split(":", 1)[1]
        row = next((r for r in grid.rows if r.key == key), None)
        total = data.get(f"t-{key}") if row else None
        if row is None or total is None:
            form.add_error(None, _("Enter the annual figure of the row to spread."))
            return None
        pattern = selectors.seasonality(grid.last_year, row.territory_id)
        for month, value in rules.split_by_seasonality(total, pattern).items():
            filled[f"c-{key}-{month}"] = str(value)
        return filled
    total = data.get("region_total")
    if total is None:
        form.add_error("region_total", _("Enter the figure to spread."))
        return None
    markets = [row for row in grid.market_rows]
    shares = selectors.market_shares(grid.last_year, [row.territory_id for row in markets])
    by_market = rules.split_by_shares(total, shares)
    for row in markets:
        pattern = selectors.seasonality(grid.last_year, row.territory_id)
        filled[f"t-{row.key}"] = str(by_market[row.territory_id])
        for month, value in rules.split_by_seasonality(
            by_market[row.territory_id], pattern
        ).items():
            filled[f"c-{row.key}-{month}"] = str(value)
    return filled


@login_required
def target_grid(request, code: str, year: int, measure: str):
    region, year, measure = _region(request, code), _year(year), _measure(measure)
    with_dealers = request.GET.get("dealers") == "1"
    grid = selectors.grid(
        user=request.user, region=region, year=year, measure=measure, with_dealers=with_dealers
    )
    editable = _editable(request.user, grid)
    form = GridForm(request.POST or None, grid=grid)
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        action = request.POST.get("action", "save")
        if form.is_valid() and action == "save":
            try:
                services.grid_save(
                    by=request.user,
                    region_id=region.pk,
                    year=year,
                    measure=measure,
                    values=form.values(),
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Targets saved."))
                return redirect(_grid_url(region, year, measure, with_dealers))
        elif form.is_valid():
            filled = _split(form, action)
            if filled is not None:
                data = request.POST.copy()
                data.update(filled)
                form = GridForm(data, grid=grid)
                form.is_valid()
                messages.info(request, _("Spread: check the figures, adjust them, then save."))
        if form.errors:
            status = 400
    groups, month_totals = _display_groups(form)
    context = {
        "grid": grid,
        "form": form,
        "groups": groups,
        "month_totals": month_totals,
        "total": sum(month_totals),
        "difference": None if grid.hq_value is None else sum(month_totals) - grid.hq_value,
        "month_labels": [MONTHS_AP[month] for month in MONTHS],
        "measure_label": Measure(measure).label,
        "measures": Measure.choices,
        "editable": editable,
        "with_dealers": with_dealers,
        "is_rep_view": not policies.can_edit_targets(request.user),
        "figure_form": RegionalFigureForm(initial={"hq_value": grid.hq_value}),
        "can_set_figure": policies.can_set_regional_figure(request.user),
        "can_propose": policies.can_propose(request.user)
        and grid.plan is not None
        and grid.plan.status == PlanStatus.DRAFT,
        "can_approve": policies.can_approve(request.user)
        and grid.plan is not None
        and grid.plan.status == PlanStatus.PROPOSED,
    }
    return render(request, "planning/target_grid.html", context, status=status)


@login_required
@require_POST
def target_figure(request, code: str, year: int, measure: str):
    region, year, measure = _region(request, code), _year(year), _measure(measure)
    if not policies.can_set_regional_figure(request.user):
        raise PermissionDenied
    form = RegionalFigureForm(request.POST)
    if form.is_valid():
        services.regional_figure_set(
            by=request.user,
            region_id=region.pk,
            year=year,
            measure=measure,
            hq_value=form.cleaned_data["hq_value"],
        )
        messages.success(request, _("HQ's regional figure saved."))
    else:
        messages.error(request, _("Enter a whole number, 0 or more."))
    return redirect(_grid_url(region, year, measure))


@login_required
@require_POST
def target_plan_action(request, code: str, year: int, action: str):
    region, year = _region(request, code), _year(year)
    measure = _measure(request.POST.get("measure", Measure.SELL_IN_VALUE))
    plan = TargetPlan.objects.filter(region=region, year=year).first()
    if plan is None:
        raise Http404
    service = {"propose": services.plan_propose, "approve": services.plan_approve}.get(action)
    if service is None:
        raise Http404
    try:
        service(by=request.user, plan_id=plan.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Targets proposed to HQ.") if action == "propose" else _("Targets approved.")
        )
    return redirect(_grid_url(region, year, measure))


@login_required
def target_export(request, code: str, year: int, measure: str):
    region, year, measure = _region(request, code), _year(year), _measure(measure)
    grid = selectors.grid(
        user=request.user,
        region=region,
        year=year,
        measure=measure,
        with_dealers=request.GET.get("dealers") == "1",
    )
    response = HttpResponse(
        services.targets_export_xlsx(grid=grid),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="targets-{region.code}-{year}-{measure}.xlsx"'
    )
    return response


@login_required
def target_import(request):
    if not policies.can_edit_targets(request.user):
        raise PermissionDenied
    form = TargetImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.targets_import(
                by=request.user,
                content=upload.read(),
                filename=upload.name,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            if report.ok:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {
                        "created": report.counts.get("created", 0),
                        "updated": report.counts.get("updated", 0),
                        "unchanged": report.counts.get("unchanged", 0),
                    },
                )
                return redirect("planning:import")
            status = 400
    return render(
        request, "planning/target_import.html", {"form": form, "report": report}, status=status
    )


@login_required
def target_history(request, code: str, year: int, measure: str):
    region, year, measure = _region(request, code), _year(year), _measure(measure)
    revisions = selectors.revision_list(
        user=request.user, region=region, year=year, measure=measure
    )[:500]
    return render(
        request,
        "planning/target_history.html",
        {
            "region": region,
            "year": year,
            "measure": measure,
            "measure_label": Measure(measure).label,
            "revisions": revisions,
        },
    )
