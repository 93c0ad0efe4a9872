"""Target figures: the one write path (grid, Excel import, ERP bulk and PUT all end in
:func:`targets_write`), with a revision per changed figure in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dealerhub.core import tabular
from dealerhub.core.bulk import CREATED, UNCHANGED, UPDATED, Batch
from dealerhub.core.concurrency import refuse_stale
from dealerhub.core.scoping import allowed_paths, path_visible
from dealers.models import Dealer
from markets.models import Market, Territory

from .. import policies, rules
from ..choices import PlanStatus, RevisionSource
from ..models import VALUE_DIGITS, RegionalFigure, Target, TargetPlan, TargetRevision
from ..selectors import Grid

MAX_VALUE = Decimal(10**VALUE_DIGITS - 1)


@dataclass(frozen=True)
class Cell:
    """One target figure to write; ``value``/``note`` None keep the stored ones."""

    year: int
    month: int
    measure: str
    territory_id: int
    territory_code: str
    territory_path: str
    dealer_id: int | None = None
    dealer_code: str | None = None
    value: Decimal | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        return str(
            rules.TargetKey(
                year=self.year,
                month=self.month,
                measure=self.measure,
                territory_code=self.territory_code,
                dealer_code=self.dealer_code,
            )
        )

    @property
    def region_code(self) -> str:
        return self.territory_path.split("/")[0]


def _lock_grids(grids: set[tuple[str, int, str]]) -> dict[tuple[str, int, str], tuple]:
    """Create (if new) and lock the plan and the regional figure of each (region code,
    year, measure) grid, in one order so that writers never deadlock. Returns
    {grid: (figure, created)}; ``created`` tells a figure this transaction made."""
    regions = dict(
        Territory.objects.filter(code__in={code for code, _y, _m in grids}).values_list(
            "code", "pk"
        )
    )
    figures: dict[tuple[str, int, str], tuple] = {}
    for grid in sorted(grids):
        code, year, measure = grid
        plan, _made = TargetPlan.objects.get_or_create(region_id=regions[code], year=year)
        figure, created = RegionalFigure.objects.get_or_create(plan=plan, measure=measure)
        figures[grid] = (figure, created)
    plans = {f.plan_id for f, _c in figures.values()}
    locked_plans = {
        plan.pk: plan
        for plan in TargetPlan.objects.select_for_update().filter(pk__in=plans).order_by("pk")
    }
    locked = {
        figure.pk: figure
        for figure in RegionalFigure.objects.select_for_update()
        .filter(pk__in=[f.pk for f, _c in figures.values()])
        .order_by("pk")
    }
    result = {}
    for grid, (figure, created) in figures.items():
        fresh = locked[figure.pk]
        fresh.plan = locked_plans[fresh.plan_id]
        result[grid] = (fresh, created)
    return result


@transaction.atomic
def targets_write(
    *, cells: Sequence[Cell], by, reason: str = "", source: str, locked: Mapping | None = None
) -> dict[str, str]:
    """Write validated, in-scope cells (unique keys); returns {key: created | updated |
    unchanged}. Each changed figure gets a :class:`TargetRevision` (old → new, who, why);
    the grids it touches get a new version; a manager's edit of a proposed plan takes it
    back to draft, and an approved plan is changed only by HQ (or the ERP)."""
    if not cells:
        return {}
    grids = {(cell.region_code, cell.year, cell.measure) for cell in cells}
    figures = locked if locked is not None else _lock_grids(grids)
    existing = {
        target.external_code: target
        for target in Target.objects.select_for_update()
        .filter(external_code__in=[cell.key for cell in cells])
        .order_by("pk")
    }
    now = timezone.now()
    creates: list[Target] = []
    updates: list[Target] = []
    changes: list[tuple[Target, Decimal | None, Decimal]] = []
    outcomes: dict[str, str] = {}
    touched: set[tuple[str, int, str]] = set()
    for cell in cells:
        target = existing.get(cell.key)
        if target is None:
            if cell.value is None:
                raise ValidationError({"value": [_("A new target needs its value.")]})
            target = Target(
                year=cell.year,
                month=cell.month,
                measure=cell.measure,
                territory_id=cell.territory_id,
                dealer_id=cell.dealer_id,
                value=cell.value,
                note=cell.note or "",
                external_code=cell.key,
            )
            creates.append(target)
            changes.append((target, None, cell.value))
            outcomes[cell.key] = CREATED
        else:
            changed = False
            if cell.value is not None and cell.value != target.value:
                changes.append((target, target.value, cell.value))
                target.value = cell.value
                changed = True
            if cell.note is not None and cell.note != target.note:
                target.note = cell.note
                changed = True
            if changed:
                target.updated_at = now
                updates.append(target)
            outcomes[cell.key] = UPDATED if changed else UNCHANGED
        if outcomes[cell.key] != UNCHANGED:
            touched.add((cell.region_code, cell.year, cell.measure))
    for grid in touched:
        plan = figures[grid][0].plan
        if plan.status == PlanStatus.APPROVED and not policies.can_edit_approved(by):
            raise ValidationError(
                _("The targets of %(region)s %(year)s are approved; only HQ changes them now.")
                % {"region": plan.region, "year": plan.year}
            )
        if plan.status == PlanStatus.PROPOSED and not policies.can_approve(by):
            plan.status = PlanStatus.DRAFT
            plan.save(update_fields=["status", "updated_at"])
    Target.objects.bulk_create(creates, batch_size=1000)
    Target.objects.bulk_update(updates, ["value", "note", "updated_at"], batch_size=1000)
    TargetRevision.objects.bulk_create(
        [
            TargetRevision(
                target=target,
                old_value=old,
                new_value=new,
                reason=reason,
                source=source,
                changed_by=by if getattr(by, "pk", None) else None,
            )
            for target, old, new in changes
        ],
        batch_size=1000,
    )
    RegionalFigure.objects.filter(pk__in=[figures[grid][0].pk for grid in touched]).update(
        updated_at=now
    )
    return outcomes


def grid_total(*, region: Territory, year: int, measure: str) -> Decimal:
    total = Target.objects.filter(
        territory__path__startswith=region.path, year=year, measure=measure, dealer=None
    ).aggregate(total=Sum("value"))["total"]
    return total or Decimal(0)


@transaction.atomic
def grid_save(
    *,
    by,
    region_id: int,
    year: int,
    measure: str,
    values: Mapping[tuple[int, int | None, int], Decimal | None],
    reason: str,
    version: str,
) -> RegionalFigure:
    """Save the changed cells of a region's grid ({(territory id, dealer id, month):
    value}; blank over a stored figure is 0) in one transaction.

    Refused whole when someone saved the grid since it was opened (``version``), when a
    row lies outside the user's territories, or when the new total differs from HQ's
    figure and no reason is given (an error on ``reason``)."""
    region = Territory.objects.get(pk=region_id)
    paths = allowed_paths(by)
    territory_ids = {tid for tid, _d, _m in values}
    territories = {
        t.pk: t
        for t in Territory.objects.filter(
            pk__in=territory_ids, market__isnull=False, path__startswith=region.path
        )
    }
    dealers = {
        d.pk: d
        for d in Dealer.objects.filter(pk__in={d for _t, d, _m in values if d}).select_related(
            "market"
        )
    }
    for tid, did, month in values:
        territory = territories.get(tid)
        dealer = dealers.get(did) if did else None
        if (
            territory is None
            or not path_visible(territory.path, paths)
            or month not in range(1, 13)
            or (did and (dealer is None or dealer.market.territory_id != tid))
        ):
            raise ValidationError(_("The grid names a market outside your territories."))
    ((figure, created),) = _lock_grids({(region.code, year, measure)}).values()
    refuse_stale("" if created else figure.updated_at.isoformat(), version)
    stored = {
        (t.territory_id, t.dealer_id, t.month): t.value
        for t in Target.objects.filter(year=year, measure=measure, territory_id__in=territory_ids)
    }
    cells = []
    for (tid, did, month), value in values.items():
        current = stored.get((tid, did, month))
        if value is None:
            if current is None:
                continue
            value = Decimal(0)
        if value == current:
            continue
        territory = territories[tid]
        cells.append(
            Cell(
                year=year,
                month=month,
                measure=measure,
                territory_id=tid,
                territory_code=territory.code,
                territory_path=territory.path,
                dealer_id=did,
                dealer_code=dealers[did].external_code if did else None,
                value=value,
            )
        )
    grid = (region.code, year, measure)
    targets_write(
        cells=cells,
        by=by,
        reason=reason.strip(),
        source=RevisionSource.GRID,
        locked={grid: (figure, created)},
    )
    total = grid_total(region=region, year=year, measure=measure)
    if rules.needs_reason(total=total, hq_figure=figure.hq_value) and not reason.strip():
        raise ValidationError(
            {
                "reason": _("The total %(total)s differs from HQ's figure %(hq)s: say why.")
                % {"total": f"{total:,}", "hq": f"{figure.hq_value:,}"}
            }
        )
    if reason.strip() and reason.strip() != figure.reason:
        figure.reason = reason.strip()
        figure.save(update_fields=["reason", "updated_at"])
    figure.refresh_from_db()
    return figure


# --- ERP bulk -----------------------------------------------------------------------------


def _resolve(territory_codes: set[str], dealer_codes: set[str]) -> tuple[dict, dict]:
    """Markets by territory code {code: (territory id, path)} and dealers by code
    {code: (dealer id, its market's territory id)}, for the codes named (two queries)."""
    markets = {
        code: (tid, path)
        for code, tid, path in Market.objects.filter(
            territory__code__in=territory_codes
        ).values_list("territory__code", "territory_id", "territory__path")
    }
    dealers = {
        code: (pk, tid)
        for code, pk, tid in Dealer.objects.filter(external_code__in=dealer_codes).values_list(
            "external_code", "pk", "market__territory_id"
        )
    }
    return markets, dealers


def targets_bulk_upsert(*, records: list[dict], by) -> list[dict]:
    """Upsert targets pushed through the API: one result per record, in order.

    A record is its key (``external_code``, see ``planning.rules.KEY_PATTERN``) with
    ``value`` and/or ``note``; the key names a market in the caller's territories (and,
    optionally, one of its dealers). Fields a record leaves out keep their values."""
    paths = allowed_paths(by)
    batch = Batch(records, allowed_paths=paths)
    batch.check_stored(Target.objects, path="territory__path")
    keys: dict[int, rules.TargetKey] = {}
    for index, row in batch.pending():
        key = rules.parse_key(row["external_code"])
        if key is None:
            batch.fail(index, {"external_code": [_("This is not a target key.")]})
        else:
            keys[index] = key
    markets, dealers = _resolve(
        {key.territory_code for key in keys.values()},
        {key.dealer_code for key in keys.values() if key.dealer_code},
    )
    cells: dict[int, Cell] = {}
    for index, row in batch.pending():
        key = keys[index]
        market = markets.get(key.territory_code)
        if market is None or not path_visible(market[1], paths):
            batch.fail(
                index,
                {
                    "external_code": [
                        _("No market in your territories has the code %(code)s.")
                        % {"code": key.territory_code}
                    ]
                },
            )
            continue
        dealer = dealers.get(key.dealer_code) if key.dealer_code else None
        if key.dealer_code and (dealer is None or dealer[1] != market[0]):
            batch.fail(
                index,
                {
                    "external_code": [
                        _("No dealer of this market has the code %(code)s.")
                        % {"code": key.dealer_code}
                    ]
                },
            )
            continue
        if row.get("value") is None and row["external_code"] not in batch.stored:
            batch.fail(index, {"value": [_("A new target needs its value.")]})
            continue
        cells[index] = Cell(
            year=key.year,
            month=key.month,
            measure=key.measure,
            territory_id=market[0],
            territory_code=key.territory_code,
            territory_path=market[1],
            dealer_id=dealer[0] if dealer else None,
            dealer_code=key.dealer_code,
            value=row.get("value"),
            note=row.get("note"),
        )
    outcomes = targets_write(cells=list(cells.values()), by=by, source=RevisionSource.API)
    for index, cell in cells.items():
        batch.results[index]["status"] = outcomes[cell.key]
    return batch.results


# --- Excel import and export --------------------------------------------------------------

IMPORT_COLUMNS = ("year", "month", "measure", "territory_code", "dealer_code", "value")
REQUIRED_COLUMNS = ("year", "month", "measure", "territory_code", "value")
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportReport:
    """What an import did: every bad row with its number, or the counts it applied."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _measure_labels() -> dict[str, str]:
    from ..choices import Measure

    labels: dict[str, str] = {value: value for value in Measure.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({str(label).lower(): value for value, label in Measure.choices})
    return labels


def parse_target_rows(
    rows: list[list[str]], *, markets: dict, dealers: dict, paths: list[str] | None
) -> tuple[list[Cell], list[tuple[int, str]]]:
    """Check every row (numbered as the spreadsheet shows them, header = row 1); a row
    with several problems lists them all. ``markets``/``dealers`` as from ``_resolve``."""
    if not rows:
        return [], [(1, _("The file is empty."))]
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
    measures = _measure_labels()
    cells: list[Cell] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        values = {header[i]: raw[i] if i < len(raw) else "" for i in range(len(header))}
        problems: list[str] = []
        year = _whole(values["year"])
        if year is None or not 2000 <= year <= 2099:
            problems.append(_("Year %(value)r is not a year.") % {"value": values["year"]})
        month = _whole(values["month"])
        if month is None or not 1 <= month <= 12:
            problems.append(_("Month %(value)r is not 1–12.") % {"value": values["month"]})
        measure = measures.get(values["measure"].strip().lower())
        if measure is None:
            problems.append(_("Unknown measure %(value)r.") % {"value": values["measure"]})
        value = _number(values["value"], problems)
        code = values["territory_code"]
        market = markets.get(code)
        if market is None:
            problems.append(_("No market has the territory code %(code)r.") % {"code": code})
        elif not path_visible(market[1], paths):
            problems.append(_("Market %(code)s is outside your territories.") % {"code": code})
        dealer_code = values.get("dealer_code", "") or None
        dealer = dealers.get(dealer_code) if dealer_code else None
        if dealer_code and (dealer is None or (market and dealer[1] != market[0])):
            problems.append(
                _("No dealer of this market has the code %(code)r.") % {"code": dealer_code}
            )
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        assert market is not None and year is not None and month is not None  # noqa: S101
        cell = Cell(
            year=year,
            month=month,
            measure=str(measure),
            territory_id=market[0],
            territory_code=code,
            territory_path=market[1],
            dealer_id=dealer[0] if dealer else None,
            dealer_code=dealer_code,
            value=value,
        )
        if cell.key in seen:
            errors.append((number, _("Duplicate of row %(row)d.") % {"row": seen[cell.key]}))
            continue
        seen[cell.key] = number
        cells.append(cell)
    return cells, errors


def _whole(text: str) -> int | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _number(text: str, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.append(_("The value %(value)r is not a number.") % {"value": text})
        return None
    if not number.is_finite() or number != number.to_integral_value():
        problems.append(_("The value %(value)r is not a whole number.") % {"value": text})
    elif number < 0:
        problems.append(_("The value cannot be negative."))
    elif number > MAX_VALUE:
        problems.append(_("The value is too large."))
    else:
        return Decimal(int(number))
    return None


@transaction.atomic
def targets_import(*, by, content: bytes, filename: str, reason: str) -> ImportReport:
    """Import targets from an .xlsx/.csv (columns :data:`IMPORT_COLUMNS`): every bad row
    is reported with its number and then nothing is applied; otherwise all rows are."""
    try:
        rows = tabular.read_table(content=content, max_rows=MAX_IMPORT_ROWS)
    except ValidationError as exc:
        return ImportReport(errors=[(1, " ".join(exc.messages))])
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        return ImportReport(
            errors=[(1, _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})]
        )
    header = [cell.strip().lower() for cell in rows[0]] if rows else []

    def column(name: str) -> set[str]:
        if name not in header:
            return set()
        i = header.index(name)
        return {row[i] for row in rows[1:] if i < len(row) and row[i]}

    markets, dealers = _resolve(column("territory_code"), column("dealer_code"))
    cells, errors = parse_target_rows(
        rows, markets=markets, dealers=dealers, paths=allowed_paths(by)
    )
    if errors:
        return ImportReport(errors=errors)
    why = reason.strip() or _("Excel import: %(file)s") % {"file": filename[:100]}
    outcomes = targets_write(cells=cells, by=by, reason=why, source=RevisionSource.IMPORT)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return ImportReport(counts=counts)


def targets_export_xlsx(*, grid: Grid) -> bytes:
    """The grid as .xlsx in its page layout (formula-safe cells, ``dealerhub.core.tabular``)."""
    header = (
        _("Sub-region"),
        "territory_code",
        _("Market"),
        "dealer_code",
        _("Dealer"),
        *[str(month) for month in range(1, 13)],
        _("Year"),
    )

    def rows():
        for group in grid.groups:
            for row in group.rows:
                yield (
                    group.name,
                    row.code,
                    "" if row.is_dealer else row.label,
                    row.dealer_code,
                    row.label if row.is_dealer else "",
                    *[row.values.get(month) for month in range(1, 13)],
                    row.total,
                )
        yield ("", "", pgettext("sum of figures", "Total"), "", "", *grid.month_totals, grid.total)

    return tabular.workbook(title=f"{grid.region.code}-{grid.year}", header=header, rows=rows())
