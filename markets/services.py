"""Writes for the territory tree and markets. Views, API and commands call these."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dealerhub.core.jobs import enqueue_on_commit
from dealerhub.core.scoping import path_visible

from . import rules
from .choices import LEVEL_RANK, CityTier, TerritoryLevel
from .models import PATH_SEPARATOR, Territory

IMPORT_COLUMNS = ("code", "name", "parent_code", "level")
OPTIONAL_COLUMNS = ("tier", "population_total", "population_urban", "longitude", "latitude")


@dataclass(frozen=True)
class TerritoryData:
    """One validated territory row, independent of where it came from."""

    code: str
    name: str
    level: str
    parent_code: str | None
    tier: str = ""
    population_total: int | None = None
    population_urban: int | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None


def validate_territory_fields(
    *, code: str, name: str, level: str, parent_code: str | None, tier: str
) -> dict[str, str]:
    """Field-level checks that need no database; returns {field: message}."""
    errors: dict[str, str] = {}
    if not code or not (code.isascii() and code.isdecimal()) or len(code) > 12:
        errors["code"] = _("The code must be 1 to 12 digits.")
    if not name:
        errors["name"] = _("The name is required.")
    if level not in TerritoryLevel.values:
        errors["level"] = _("Unknown level %(level)r; use province, city, county or town.") % {
            "level": level
        }
    elif level == TerritoryLevel.PROVINCE and parent_code:
        errors["parent"] = _("A province has no parent.")
    elif level != TerritoryLevel.PROVINCE and not parent_code:
        errors["parent"] = _("Only a province may have no parent.")
    if parent_code and parent_code == code:
        errors["parent"] = _("A territory cannot be its own parent.")
    if tier:
        if tier not in CityTier.values:
            errors["tier"] = _("Unknown tier %(tier)r; use key, tier2 or tier3.") % {"tier": tier}
        elif level != TerritoryLevel.CITY:
            errors["tier"] = _("Only prefecture cities have a tier.")
    return errors


def _parent_level_error(level: str, parent_level: str) -> str | None:
    if LEVEL_RANK[TerritoryLevel(parent_level)] >= LEVEL_RANK[TerritoryLevel(level)]:
        return _("A %(level)s cannot sit under a %(parent)s.") % {
            "level": TerritoryLevel(level).label,
            "parent": TerritoryLevel(parent_level).label,
        }
    return None


def _rebuild_paths(codes: list[str] | None = None) -> int:
    """Recompute path and depth in one statement: for the whole tree, or for the subtrees
    under the given (just written) codes.

    The recursion starts from the written nodes whose parent was not written too, so
    every parent path it reads is final. Only rows whose path actually changes are
    written, so re-running is cheap.
    """
    table = Territory._meta.db_table
    if codes is None:
        roots = f"SELECT id, code || %s, 0 FROM {table} WHERE parent_id IS NULL"  # noqa: S608
        params: list = [PATH_SEPARATOR]
    else:
        roots = f"""
            SELECT t.id, COALESCE(p.path, '') || t.code || %s, COALESCE(p.depth + 1, 0)
            FROM {table} t LEFT JOIN {table} p ON p.id = t.parent_id
            WHERE t.code = ANY(%s) AND (p.code IS NULL OR NOT p.code = ANY(%s))
        """  # noqa: S608
        params = [PATH_SEPARATOR, list(codes), list(codes)]
    sql = f"""
        WITH RECURSIVE tree(id, path, depth) AS (
            {roots}
            UNION ALL
            SELECT child.id, tree.path || child.code || %s, tree.depth + 1
            FROM {table} child JOIN tree ON child.parent_id = tree.id
        )
        UPDATE {table} t SET path = tree.path, depth = tree.depth
        FROM tree
        WHERE t.id = tree.id AND (t.path, t.depth) IS DISTINCT FROM (tree.path, tree.depth)
    """  # noqa: S608 - table name comes from model meta, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, PATH_SEPARATOR])
        return cursor.rowcount


TERRITORY_DATA_FIELDS = (
    "name",
    "level",
    "tier",
    "population_total",
    "population_urban",
    "longitude",
    "latitude",
)


def _same_as_stored(territory: Territory, data: TerritoryData, parent_id: int | None) -> bool:
    return territory.parent_id == parent_id and all(
        getattr(territory, name) == getattr(data, name) for name in TERRITORY_DATA_FIELDS
    )


def territory_upsert(*, data: TerritoryData) -> tuple[Territory, str]:
    """Create or update one territory by code: returns it with "created", "updated" or
    "unchanged" (nothing is written then). Raises ValidationError with field messages."""
    with transaction.atomic():
        return _territory_upsert(data)


def _territory_upsert(data: TerritoryData) -> tuple[Territory, str]:
    errors = validate_territory_fields(
        code=data.code,
        name=data.name,
        level=data.level,
        parent_code=data.parent_code,
        tier=data.tier,
    )
    parent = None
    if data.parent_code and "parent" not in errors:
        parent = Territory.objects.filter(code=data.parent_code).first()
        if parent is None:
            errors["parent"] = _("No territory has the code %(code)s.") % {"code": data.parent_code}
        elif "level" not in errors:
            message = _parent_level_error(data.level, parent.level)
            if message:
                errors["parent"] = message
            elif parent.path.startswith(
                Territory.objects.filter(code=data.code).values_list("path", flat=True).first()
                or "\0"
            ):
                errors["parent"] = _("A territory cannot move below itself.")
    if errors:
        raise ValidationError(errors)

    existing = Territory.objects.select_for_update().filter(code=data.code).first()
    created = existing is None
    if existing is not None and _same_as_stored(existing, data, parent.pk if parent else None):
        return existing, "unchanged"
    territory = existing or Territory(code=data.code)
    moved = not created and territory.parent_id != (parent.pk if parent else None)
    if not created and territory.level != data.level and territory.children.exists():
        child_levels = set(territory.children.values_list("level", flat=True))
        for child_level in child_levels:
            if _parent_level_error(child_level, data.level):
                raise ValidationError({"level": _("Its children would sit above it.")})
    territory.name = data.name
    territory.level = data.level
    territory.parent = parent
    territory.tier = data.tier
    territory.population_total = data.population_total
    territory.population_urban = data.population_urban
    territory.longitude = data.longitude
    territory.latitude = data.latitude
    territory.path = (parent.path if parent else "") + data.code + PATH_SEPARATOR
    territory.depth = parent.depth + 1 if parent else 0
    territory.full_clean(exclude=["path"], validate_unique=False)
    territory.save()
    if moved:
        _rebuild_paths([territory.code])
    return territory, "created" if created else "updated"


# --- CSV import ------------------------------------------------------------------------


@dataclass
class ImportReport:
    """The outcome of a territory import: either every row applied or none."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_optional_int(value: str, label: str, problems: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        problems.append(
            _("%(label)s must be a whole number, not %(value)r.") % {"label": label, "value": value}
        )
        return None
    if number < 0:
        problems.append(_("%(label)s cannot be negative.") % {"label": label})
        return None
    return number


def _parse_optional_decimal(
    value: str, label: str, limit: int, problems: list[str]
) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        problems.append(
            _("%(label)s must be a number, not %(value)r.") % {"label": label, "value": value}
        )
        return None
    if not number.is_finite() or abs(number) > limit:
        problems.append(_("%(label)s is out of range.") % {"label": label})
        return None
    return number.quantize(Decimal("0.000001"))


def parse_territory_csv(text: str) -> tuple[list[tuple[int, TerritoryData]], list[tuple[int, str]]]:
    """Parse and check every row; rows are numbered as a spreadsheet shows them (header = 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [column.strip() for column in (reader.fieldnames or [])]
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        return [], [(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
    reader.fieldnames = header
    rows: list[tuple[int, TerritoryData]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        values = {key: (value or "").strip() for key, value in raw.items() if key}
        problems: list[str] = []
        code = values.get("code", "")
        field_errors = validate_territory_fields(
            code=code,
            name=values.get("name", ""),
            level=values.get("level", ""),
            parent_code=values.get("parent_code") or None,
            tier=values.get("tier", ""),
        )
        problems.extend(field_errors.values())
        if code in seen:
            problems.append(
                _("Duplicate code %(code)s (first on row %(row)d).")
                % {"code": code, "row": seen[code]}
            )
        else:
            seen[code] = number
        population_total = _parse_optional_int(
            values.get("population_total", ""), _("Population"), problems
        )
        population_urban = _parse_optional_int(
            values.get("population_urban", ""), _("Urban population"), problems
        )
        longitude = _parse_optional_decimal(
            values.get("longitude", ""), _("Longitude"), 180, problems
        )
        latitude = _parse_optional_decimal(values.get("latitude", ""), _("Latitude"), 90, problems)
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        rows.append(
            (
                number,
                TerritoryData(
                    code=code,
                    name=values["name"],
                    level=values["level"],
                    parent_code=values.get("parent_code") or None,
                    tier=values.get("tier", ""),
                    population_total=population_total,
                    population_urban=population_urban,
                    longitude=longitude,
                    latitude=latitude,
                ),
            )
        )
    return rows, errors


def territories_import(*, text: str) -> ImportReport:
    """Import a territory CSV: every bad row is reported; nothing is applied unless all are good.

    Rows may come in any order; parents may be in the file or already in the database.
    The write is set-based: one upsert statement per level and one path rebuild.
    """
    rows, errors = parse_territory_csv(text)
    report = ImportReport(total_rows=len(rows) + len(errors), errors=errors)
    in_file = {data.code: data for _row, data in rows}
    in_db = dict(
        Territory.objects.filter(
            code__in={data.parent_code for _row, data in rows if data.parent_code} | set(in_file)
        ).values_list("code", "level")
    )
    for number, data in rows:
        if not data.parent_code:
            continue
        parent_level = (
            in_file[data.parent_code].level
            if data.parent_code in in_file
            else (in_db.get(data.parent_code))
        )
        if parent_level is None:
            report.errors.append(
                (number, _("No territory has the code %(code)s.") % {"code": data.parent_code})
            )
            continue
        message = _parent_level_error(data.level, parent_level)
        if message:
            report.errors.append((number, message))
    report.errors.sort()
    if report.errors:
        return report

    with transaction.atomic():
        existing = set(Territory.objects.filter(code__in=in_file).values_list("code", flat=True))
        _write_territory_rows([data for _row, data in rows])
        _rebuild_paths()
        report.created = len(in_file) - len(existing)
        report.updated = len(existing)
    return report


def _write_territory_rows(datas: list[TerritoryData]) -> None:
    """Upsert validated rows set-based: one statement per level, so each row's parent
    exists when the row is written (the "only provinces are roots" check is per row).
    The caller rebuilds paths afterwards."""
    by_rank: dict[int, list[TerritoryData]] = {}
    for data in datas:
        by_rank.setdefault(LEVEL_RANK[TerritoryLevel(data.level)], []).append(data)
    for rank in sorted(by_rank):
        batch = by_rank[rank]
        parent_ids = dict(
            Territory.objects.filter(
                code__in={data.parent_code for data in batch if data.parent_code}
            ).values_list("code", "id")
        )
        Territory.objects.bulk_create(
            [
                Territory(
                    code=data.code,
                    name=data.name,
                    level=data.level,
                    parent_id=parent_ids.get(data.parent_code),
                    tier=data.tier,
                    population_total=data.population_total,
                    population_urban=data.population_urban,
                    longitude=data.longitude,
                    latitude=data.latitude,
                    # Provisional unique path for new rows; _rebuild_paths() sets it.
                    path=f"~{data.code}{PATH_SEPARATOR}",
                )
                for data in batch
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[
                "name",
                "level",
                "parent",
                "tier",
                "population_total",
                "population_urban",
                "longitude",
                "latitude",
                "updated_at",
            ],
            batch_size=2000,
        )


def territories_bulk_upsert(
    *, records: list[TerritoryData | dict], allowed_paths: list[str] | None
) -> list[dict]:
    """Apply a batch from the API: one result per record, in order.

    Records arrive already parsed (TerritoryData) or as field errors (dict). Parents may
    be earlier or later in the batch or already stored. A scoped client
    (``allowed_paths``) only writes below territories it can see. Valid records are
    applied set-based; records that fail are reported and nothing of them is written.
    """
    datas = [r for r in records if isinstance(r, TerritoryData)]
    codes = {d.code for d in datas} | {d.parent_code for d in datas if d.parent_code}
    stored = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    in_batch = {d.code: d for d in datas}
    results: list[dict] = []
    to_write: list[TerritoryData] = []

    def visible(path: str) -> bool:
        return path_visible(path, allowed_paths)

    for index, record in enumerate(records):
        if isinstance(record, dict):
            results.append(
                {"index": index, "external_code": None, "status": "error", "errors": record}
            )
            continue
        data, errors = (
            record,
            validate_territory_fields(
                code=record.code,
                name=record.name,
                level=record.level,
                parent_code=record.parent_code,
                tier=record.tier,
            ),
        )
        current = stored.get(data.code)
        if current is not None and not visible(current.path):
            errors["code"] = _("No territory has the code %(code)s.") % {"code": data.code}
        parent = stored.get(data.parent_code) if data.parent_code else None
        parent_level = (
            parent.level
            if parent
            else (in_batch[data.parent_code].level if data.parent_code in in_batch else None)
        )
        if data.parent_code and "parent" not in errors:
            if parent_level is None or (parent is not None and not visible(parent.path)):
                errors["parent"] = _("No territory has the code %(code)s.") % {
                    "code": data.parent_code
                }
            elif "level" not in errors:
                message = _parent_level_error(data.level, parent_level)
                if message:
                    errors["parent"] = message
        if not data.parent_code and allowed_paths is not None:
            errors["parent"] = _("Only clients with every territory may add a province.")
        if errors:
            field_errors = {field: [message] for field, message in errors.items()}
            results.append(
                {
                    "index": index,
                    "external_code": data.code,
                    "code": data.code,
                    "status": "error",
                    "errors": field_errors,
                }
            )
            continue
        parent_is_stored = data.parent_code is None or parent is not None
        if (
            current is not None
            and parent_is_stored
            and _same_as_stored(current, data, parent.pk if parent else None)
        ):
            results.append(
                {
                    "index": index,
                    "external_code": data.code,
                    "code": data.code,
                    "status": "unchanged",
                }
            )
            continue
        to_write.append(data)
        results.append(
            {
                "index": index,
                "external_code": data.code,
                "code": data.code,
                "status": "updated" if current else "created",
            }
        )
    if to_write:
        with transaction.atomic():
            _write_territory_rows(to_write)
            _rebuild_paths([data.code for data in to_write])
    return results


def refresh_territory_counts() -> int:
    """Set each node's county_count and town_count from the tree, in one statement."""
    table = Territory._meta.db_table
    sql = f"""
        UPDATE {table} t SET county_count = c.counties, town_count = c.towns
        FROM (
            SELECT a.id,
                   count(d.id) FILTER (WHERE d.level = 'county') AS counties,
                   count(d.id) FILTER (WHERE d.level = 'town') AS towns
            FROM {table} a LEFT JOIN {table} d
              ON d.path LIKE a.path || '%%' AND d.id <> a.id
            GROUP BY a.id
        ) c
        WHERE t.id = c.id AND (t.county_count, t.town_count) IS DISTINCT FROM (c.counties, c.towns)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


# --- Markets ----------------------------------------------------------------------------


class StaleEditError(ValidationError):
    """The record changed since the user opened it; their edit was not applied."""


class FocusConfirmationNeeded(ValidationError):
    """The rep would hold more than three markets in trial/developing: a manager must confirm."""


class OverrideNeeded(ValidationError):
    """A policy rule blocks the change; only an HQ admin with a written reason may override."""


def _rep_focus_count(*, rep_id: int, exclude_market_id: int) -> int:
    from .models import Market

    return (
        Market.objects.filter(rep_id=rep_id, status__in=rules.FOCUS_STATUSES)
        .exclude(pk=exclude_market_id)
        .count()
    )


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
    from .models import Market

    market = Market.objects.select_for_update().get(pk=market_id)
    if expected_updated_at is not None and market.updated_at != expected_updated_at:
        raise StaleEditError(
            _(
                "Someone else changed this market after you opened it. "
                "Reload the page to see their changes, then edit again."
            )
        )
    if rep_id and rep_id != market.rep_id and market.status in rules.FOCUS_STATUSES:
        warning = rules.focus_warning(_rep_focus_count(rep_id=rep_id, exclude_market_id=market.pk))
        if warning and not (confirm_focus and by is not None and (by.is_manager or by.is_hq)):
            raise FocusConfirmationNeeded({"rep": warning})
    market.income_level = income_level
    market.pillar_industries = pillar_industries
    market.notes = notes
    market.rep_id = rep_id
    market.full_clean()
    market.save()
    return market


# --- Status workflow ---------------------------------------------------------------------


def _central_city_status(market) -> str | None:
    from .models import Market

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
    from .models import Market, MarketStatusChange
    from .selectors import market_checklist

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
    from .choices import ChecklistKey
    from .models import ChecklistTick

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


# --- Market plan -------------------------------------------------------------------------

PLAN_FIELDS = (
    "sales_target",
    "market_share_target",
    "monthly_sell_in_target",
    "start_date",
    "target_date",
    "schedule",
    "entry_products",
    "price_policy",
    "channel_model",
    "planned_dealer_count",
    "channel_plan",
    "planned_ka_stores",
    "promotion_plan",
    "model_store_plan",
    "working_capital",
    "warehouse_m2",
    "deliverable_outlets_per_week",
    "external_code",
)
CAPACITY_FIELDS = (
    "working_capital",
    "warehouse_m2",
    "deliverable_outlets_per_week",
    "channel_plan",
)


def _clean_channel_plan(value) -> dict:
    from .choices import Channel

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


def queue_dealer_recompute(market_id: int) -> None:
    """After commit, ask the dealers app to re-score candidates against the new capacity."""
    try:
        from dealers.tasks import recompute_market_evaluations
    except ImportError:  # the dealers app ships this task; until then nothing to recompute
        return
    enqueue_on_commit(recompute_market_evaluations, market_id)


@transaction.atomic
def market_plan_save(*, market_id: int, expected_updated_at=None, **values):
    """Create or update a market's plan; queues the dealer recompute when capacity changed."""
    from .models import Market, MarketPlan

    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown plan fields: {sorted(unknown)}")
    market = Market.objects.select_for_update().get(pk=market_id)
    plan = MarketPlan.objects.filter(market=market).first() or MarketPlan(market=market)
    if plan.pk and expected_updated_at is not None and plan.updated_at != expected_updated_at:
        raise StaleEditError(
            _("Someone else changed this plan after you opened it. Reload and edit again.")
        )
    if "channel_plan" in values:
        values["channel_plan"] = _clean_channel_plan(values["channel_plan"] or {})
    if values.get("external_code") == "":
        values["external_code"] = None
    before = {name: getattr(plan, name) for name in CAPACITY_FIELDS} if plan.pk else None
    for name, value in values.items():
        setattr(plan, name, value)
    if plan.start_date and plan.target_date and plan.target_date < plan.start_date:
        raise ValidationError({"target_date": _("The target date is before the start.")})
    plan.full_clean()
    plan.save()
    after = {name: getattr(plan, name) for name in CAPACITY_FIELDS}
    if before != after:
        queue_dealer_recompute(market.pk)
    return plan


# --- Surveys -----------------------------------------------------------------------------

SURVEY_SECTION_FIELDS = {
    "a": ("county_count", "town_count", "population_notes"),
    "b": ("ka_store_count",),
    "e": ("catering_none",),
    "f": ("canteens_none",),
    "costs": ("small_store_count", "supermarket_count", "hotel_count", "entry_fee", "other_fees"),
    "features": ("residential_compounds", "big_employers", "cross_border_hubs"),
}


def survey_refresh_completeness(*, survey_id: int) -> int:
    """Recompute and store a survey's completeness; returns the percent."""
    from .models import MarketSurvey
    from .selectors import survey_facts

    survey = MarketSurvey.objects.get(pk=survey_id)
    percent = rules.completeness(survey_facts(survey=survey))
    MarketSurvey.objects.filter(pk=survey_id).exclude(completeness=percent).update(
        completeness=percent
    )
    return percent


@transaction.atomic
def survey_create(*, market_id: int, rep, surveyed_on, external_code: str | None = None):
    """Start a survey; section A is prefilled from the territory tree."""
    from .models import Market, MarketSurvey

    market = Market.objects.select_related("territory").get(pk=market_id)
    survey = MarketSurvey(
        market=market,
        rep=rep,
        surveyed_on=surveyed_on,
        external_code=external_code or None,
    )
    survey.full_clean()
    survey.save()
    survey_refresh_completeness(survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


@transaction.atomic
def survey_update(*, survey_id: int, values: dict, expected_updated_at=None):
    """Save any subset of a survey's own fields (a half-done section is fine)."""
    from .models import MarketSurvey

    allowed = {name for names in SURVEY_SECTION_FIELDS.values() for name in names}
    allowed |= {"surveyed_on", "external_code"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"Unknown survey fields: {sorted(unknown)}")
    survey = MarketSurvey.objects.select_for_update().get(pk=survey_id)
    if expected_updated_at is not None and survey.updated_at != expected_updated_at:
        raise StaleEditError(
            _("Someone else changed this survey after you opened it. Reload and edit again.")
        )
    for name, value in values.items():
        setattr(survey, name, value)
    if survey.external_code == "":
        survey.external_code = None
    survey.full_clean()
    survey.save()
    survey_refresh_completeness(survey_id=survey.pk)
    survey.refresh_from_db()
    return survey


def _check_coordinates(longitude, latitude) -> None:
    if (longitude is None) != (latitude is None):
        raise ValidationError({"longitude": _("Give both longitude and latitude, or neither.")})


@transaction.atomic
def survey_add_outlet(
    *,
    survey_id: int,
    kind: str,
    name: str,
    address: str = "",
    longitude=None,
    latitude=None,
    contact_name: str = "",
    contact_phone: str = "",
    wholesale_market_id: int | None = None,
):
    """Record an outlet found in a survey (KA store, trader, catering outlet, canteen)."""
    from .models import MarketSurvey, Outlet, WholesaleMarket

    survey = MarketSurvey.objects.select_related("market__territory").get(pk=survey_id)
    _check_coordinates(longitude, latitude)
    if (
        wholesale_market_id is not None
        and not WholesaleMarket.objects.filter(
            pk=wholesale_market_id, market_id=survey.market_id
        ).exists()
    ):
        raise ValidationError({"wholesale_market": _("Pick a wholesale market of this market.")})
    outlet = Outlet(
        territory=survey.market.territory,
        kind=kind,
        name=name.strip(),
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        survey=survey,
        wholesale_market_id=wholesale_market_id,
    )
    outlet.full_clean()
    outlet.save()
    survey_refresh_completeness(survey_id=survey.pk)
    return outlet


@transaction.atomic
def survey_add_wholesale_market(
    *,
    survey_id: int,
    name: str,
    location: str,
    goods_flow: str,
    longitude=None,
    latitude=None,
):
    from .models import MarketSurvey, WholesaleMarket

    survey = MarketSurvey.objects.get(pk=survey_id)
    _check_coordinates(longitude, latitude)
    wholesale = WholesaleMarket(
        market_id=survey.market_id,
        survey=survey,
        name=name.strip(),
        location=location.strip(),
        goods_flow=goods_flow,
        longitude=longitude,
        latitude=latitude,
    )
    wholesale.full_clean()
    wholesale.save()
    survey_refresh_completeness(survey_id=survey.pk)
    return wholesale


@transaction.atomic
def competitor_save(
    *,
    market_id: int,
    brand: str,
    estimated_monthly_volume=None,
    main_advantage: str = "",
    survey_id: int | None = None,
):
    """Create or update a competitor of a market by brand."""
    from .models import Competitor

    brand = brand.strip()
    if not brand:
        raise ValidationError({"brand": _("The brand is required.")})
    competitor, _created = Competitor.objects.update_or_create(
        market_id=market_id,
        brand=brand,
        defaults={
            "estimated_monthly_volume": estimated_monthly_volume,
            "main_advantage": main_advantage.strip(),
            **({"survey_id": survey_id} if survey_id else {}),
        },
    )
    if survey_id:
        survey_refresh_completeness(survey_id=survey_id)
    return competitor


@transaction.atomic
def competitor_add_product(
    *, competitor_id: int, name: str, spec: str = "", price=None, is_new_launch: bool = False
):
    from .models import Competitor, CompetitorProduct

    competitor = Competitor.objects.get(pk=competitor_id)
    product = CompetitorProduct(
        competitor=competitor,
        name=name.strip(),
        spec=spec.strip(),
        price=price,
        is_new_launch=is_new_launch,
    )
    product.full_clean()
    product.save()
    if competitor.survey_id:
        survey_refresh_completeness(survey_id=competitor.survey_id)
    return product


@transaction.atomic
def competitor_add_promotion(
    *, competitor_id: int, seen_on, description: str, by, outlet_id=None, photo=None
):
    from .models import Competitor, CompetitorPromotion, Outlet

    competitor = Competitor.objects.select_related("market__territory").get(pk=competitor_id)
    if (
        outlet_id
        and not Outlet.objects.filter(
            pk=outlet_id, territory__path__startswith=competitor.market.territory.path
        ).exists()
    ):
        raise ValidationError({"outlet": _("Pick an outlet of this market.")})
    promotion = CompetitorPromotion(
        competitor=competitor,
        seen_on=seen_on,
        description=description.strip(),
        outlet_id=outlet_id,
        reported_by=by,
    )
    if photo is not None:
        promotion.photo = clean_photo(photo)
    promotion.full_clean()
    promotion.save()
    return promotion


# --- Uploaded photos ---------------------------------------------------------------------

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PHOTO_PIXELS = 40_000_000


def clean_photo(upload):
    """Check an uploaded photo by content (not its name) and size, re-encode it without
    metadata (EXIF location is personal data) and give it a generated name."""
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("A photo may be at most 5 MB.")})
    data = upload.read()
    not_an_image = ValidationError({"photo": _("The file is not a JPEG, PNG or WebP image.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in PHOTO_FORMATS:
            raise not_an_image
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationError({"photo": _("The photo has too many pixels.")})
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = io.BytesIO()
            # Saving without exif=/pnginfo= drops every metadata block, GPS included.
            image.save(output, format=image_format)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise not_an_image from exc
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}", output.getvalue()
    )


# --- KA store assessment -----------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    action: int
    rating: int
    note: str = ""
    photo: object | None = None


@transaction.atomic
def assessment_create(
    *, outlet_id: int, by, assessed_on, estimated_monthly_volume, ratings: list[RatingInput]
):
    """Record a KA store assessment; the 0–100 score comes from markets.rules.store_score."""
    from .choices import OutletKind
    from .models import AssessmentRating, Outlet, StoreAssessment

    outlet = Outlet.objects.get(pk=outlet_id)
    if outlet.kind != OutletKind.KA_STORE:
        raise ValidationError({"outlet": _("Only KA stores are assessed.")})
    actions = sorted(item.action for item in ratings)
    if actions != list(range(1, rules.ASSESSMENT_ACTION_COUNT + 1)):
        raise ValidationError({"ratings": _("Rate each of the ten actions once.")})
    try:
        score = rules.store_score([item.rating for item in sorted(ratings, key=lambda r: r.action)])
    except ValueError as exc:
        raise ValidationError({"ratings": _("Each rating is a whole number from 1 to 5.")}) from exc
    if estimated_monthly_volume is None or estimated_monthly_volume < 0:
        raise ValidationError(
            {"estimated_monthly_volume": _("Enter the estimated monthly volume.")}
        )
    assessment = StoreAssessment(
        outlet=outlet,
        assessed_by=by,
        assessed_on=assessed_on,
        score=score,
        estimated_monthly_volume=estimated_monthly_volume,
    )
    assessment.full_clean()
    assessment.save()
    rows = []
    for item in ratings:
        row = AssessmentRating(
            assessment=assessment, action=item.action, rating=item.rating, note=item.note.strip()
        )
        if item.photo is not None:
            row.photo = clean_photo(item.photo)
        rows.append(row)
    AssessmentRating.objects.bulk_create(rows)
    return assessment


# --- Trial sales -------------------------------------------------------------------------


@transaction.atomic
def trial_shipment_create(
    *,
    market_id: int,
    sub_wholesaler_id: int,
    shipped_on,
    product: str,
    quantity: int,
    amount,
    introduced_by: str = "",
    by=None,
):
    from .choices import OutletKind
    from .models import Market, Outlet, TrialShipment

    market = Market.objects.select_related("territory").get(pk=market_id)
    if not Outlet.objects.filter(
        pk=sub_wholesaler_id,
        kind=OutletKind.WHOLESALE,
        territory__path__startswith=market.territory.path,
    ).exists():
        raise ValidationError(
            {"sub_wholesaler": _("Pick a wholesale trader (二批商) of this market.")}
        )
    shipment = TrialShipment(
        market=market,
        sub_wholesaler_id=sub_wholesaler_id,
        shipped_on=shipped_on,
        product=product.strip(),
        quantity=quantity,
        amount=amount,
        introduced_by=introduced_by.strip(),
        recorded_by=by,
    )
    shipment.full_clean()
    shipment.save()
    return shipment


# --- Outlets: upsert, import, export -----------------------------------------------------

OUTLET_COLUMNS = ("kind", "name")
OUTLET_OPTIONAL_COLUMNS = (
    "address",
    "longitude",
    "latitude",
    "contact_name",
    "contact_phone",
    "external_code",
    "territory_code",
)
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000


@transaction.atomic
def outlet_upsert(*, territory_id: int, external_code: str | None, values: dict):
    """Create or update an outlet (by external code when given).

    Returns (outlet, outcome) with outcome "created", "updated" or "unchanged"; an
    unchanged record is not written (no new updated_at, no audit event).
    """
    from .models import Outlet

    outlet = None
    if external_code:
        outlet = Outlet.objects.select_for_update().filter(external_code=external_code).first()
    created = outlet is None
    outlet = outlet or Outlet(external_code=external_code or None)
    values = {"territory_id": territory_id, **values}
    changed = [name for name, value in values.items() if getattr(outlet, name) != value]
    if not created and not changed:
        return outlet, "unchanged"
    for name in changed:
        setattr(outlet, name, values[name])
    _check_coordinates(outlet.longitude, outlet.latitude)
    outlet.full_clean()
    outlet.save()
    return outlet, "created" if created else "updated"


def read_table_file(*, filename: str, content: bytes) -> list[list[str]]:
    """Rows of text cells from an .xlsx or .csv upload (checked by content, not by name)."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file may be at most 5 MB.")})
    if content[:4] == b"PK\x03\x04":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a corrupt zip/xml
            raise ValidationError({"file": _("The Excel file cannot be read.")}) from exc
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if cell is None else str(cell).strip() for cell in row])
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        book.close()
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {"file": _("Upload an Excel (.xlsx) or CSV (UTF-8 or GBK) file.")}
            ) from exc
    if "\x00" in text:
        raise ValidationError({"file": _("Upload an Excel (.xlsx) or CSV (UTF-8 or GBK) file.")})
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def parse_outlet_rows(
    rows: list[list[str]],
    *,
    market_path: str,
    territory_ids: dict[str, tuple[int, str]],
    default_territory_id: int,
) -> tuple[list[dict], list[tuple[int, str]]]:
    """Check every row; numbering as the spreadsheet shows it (header = row 1).

    `territory_ids` maps codes to (id, path) for codes named in the file.
    """
    from .choices import OutletKind

    if not rows:
        return [], [(1, _("The file is empty."))]
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in OUTLET_COLUMNS if column not in header]
    if missing:
        return [], [(1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})]
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        return [], [(1, _("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})]
    # People type the kind as its code or its label in either language.
    kind_by_label: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            kind_by_label.update({str(label).lower(): v for v, label in OutletKind.choices})
    valid, errors = [], []
    seen_codes: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        values = {header[i]: cells[i] if i < len(cells) else "" for i in range(len(header))}
        problems: list[str] = []
        kind = values.get("kind", "")
        kind = kind_by_label.get(kind.strip().lower(), kind.strip())
        if kind not in OutletKind.values:
            problems.append(
                _("Unknown kind %(kind)r; use %(kinds)s.")
                % {"kind": values.get("kind", ""), "kinds": ", ".join(OutletKind.values)}
            )
        name = values.get("name", "")
        if not name:
            problems.append(_("The name is required."))
        elif len(name) > 200:
            problems.append(_("The name is longer than 200 characters."))
        if len(values.get("address", "")) > 300:
            problems.append(_("The address is longer than 300 characters."))
        longitude = _parse_optional_decimal(
            values.get("longitude", ""), _("Longitude"), 180, problems
        )
        latitude = _parse_optional_decimal(values.get("latitude", ""), _("Latitude"), 90, problems)
        if (longitude is None) != (latitude is None):
            problems.append(_("Give both longitude and latitude, or neither."))
        code = values.get("external_code", "")
        if code:
            if code in seen_codes:
                problems.append(
                    _("Duplicate external code %(code)s (first on row %(row)d).")
                    % {"code": code, "row": seen_codes[code]}
                )
            else:
                seen_codes[code] = number
        territory_id = default_territory_id
        territory_code = values.get("territory_code", "")
        if territory_code:
            found = territory_ids.get(territory_code)
            if found is None or not found[1].startswith(market_path):
                problems.append(
                    _("Territory %(code)s is not in this market.") % {"code": territory_code}
                )
            else:
                territory_id = found[0]
        if problems:
            errors.append((number, " ".join(problems)))
            continue
        valid.append(
            {
                "row": number,
                "territory_id": territory_id,
                "kind": kind,
                "name": name,
                "address": values.get("address", ""),
                "longitude": str(longitude) if longitude is not None else None,
                "latitude": str(latitude) if latitude is not None else None,
                "contact_name": values.get("contact_name", "")[:100],
                "contact_phone": values.get("contact_phone", "")[:30],
                "external_code": code or None,
            }
        )
    return valid, errors


@transaction.atomic
def outlet_import_prepare(*, market_id: int, by, filename: str, content: bytes):
    """Check an upload and keep the parsed rows for preview; nothing is imported yet."""
    from .models import Market, Outlet, OutletImport, Territory

    market = Market.objects.select_related("territory").get(pk=market_id)
    try:
        rows = read_table_file(filename=filename, content=content)
    except ValidationError as exc:
        valid, errors = [], [(1, " ".join(exc.messages))]
    else:
        codes: set[str] = set()
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        if "territory_code" in header:
            index = header.index("territory_code")
            codes = {row[index] for row in rows[1:] if index < len(row) and row[index]}
        territory_ids = {
            code: (pk, path)
            for code, pk, path in Territory.objects.filter(code__in=codes).values_list(
                "code", "id", "path"
            )
        }
        valid, errors = parse_outlet_rows(
            rows,
            market_path=market.territory.path,
            territory_ids=territory_ids,
            default_territory_id=market.territory_id,
        )
        # External codes owned by an outlet outside this market cannot be taken over.
        foreign = set(
            Outlet.objects.filter(
                external_code__in=[row["external_code"] for row in valid if row["external_code"]]
            )
            .exclude(territory__path__startswith=market.territory.path)
            .values_list("external_code", flat=True)
        )
        if foreign:
            kept = []
            for row in valid:
                if row["external_code"] in foreign:
                    errors.append(
                        (
                            row["row"],
                            _("External code %(code)s belongs to an outlet of another market.")
                            % {"code": row["external_code"]},
                        )
                    )
                else:
                    kept.append(row)
            valid = kept
    errors.sort()
    return OutletImport.objects.create(
        market=market,
        uploaded_by=by,
        filename=filename[:200],
        rows=valid,
        errors=[list(error) for error in errors],
    )


@transaction.atomic
def outlet_import_apply(*, import_id: int, by, accept_errors: bool = False):
    """Apply a prepared import set-based: all valid rows or nothing.

    With errors present nothing is written unless the user confirmed importing only the
    valid rows. Rows with an external code update that outlet; others update an outlet
    of the same territory, kind and name, else create one (so re-importing is idempotent).
    """
    from django.utils import timezone

    from .models import Outlet, OutletImport

    batch = OutletImport.objects.select_for_update().get(pk=import_id)
    if batch.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    if batch.uploaded_by_id != by.pk:
        raise ValidationError(_("Only the person who uploaded the file can import it."))
    if batch.errors and not accept_errors:
        raise ValidationError(
            _("The file has rows with errors. Fix them or confirm importing only the valid rows.")
        )
    if not batch.rows:
        raise ValidationError(_("There are no valid rows to import."))
    rows = batch.rows
    by_code = {
        outlet.external_code: outlet
        for outlet in Outlet.objects.select_for_update().filter(
            external_code__in=[row["external_code"] for row in rows if row["external_code"]]
        )
    }
    by_name = {
        (outlet.territory_id, outlet.kind, outlet.name): outlet
        for outlet in Outlet.objects.select_for_update().filter(
            territory_id__in={row["territory_id"] for row in rows},
            name__in={row["name"] for row in rows},
        )
    }
    to_create, to_update = [], []
    fields = [
        "territory_id",
        "kind",
        "name",
        "address",
        "longitude",
        "latitude",
        "contact_name",
        "contact_phone",
    ]
    for row in rows:
        outlet = by_code.get(row["external_code"]) if row["external_code"] else None
        outlet = outlet or by_name.get((row["territory_id"], row["kind"], row["name"]))
        values = {
            name: (
                Decimal(row[name]) if name in ("longitude", "latitude") and row[name] else row[name]
            )
            for name in fields
        }
        if outlet is None:
            to_create.append(Outlet(external_code=row["external_code"], **values))
        else:
            for name, value in values.items():
                setattr(outlet, name, value)
            if row["external_code"]:
                outlet.external_code = row["external_code"]
            to_update.append(outlet)
    Outlet.objects.bulk_create(to_create, batch_size=1000)
    now = timezone.now()
    for outlet in to_update:
        outlet.updated_at = now
    Outlet.objects.bulk_update(
        to_update,
        [
            "territory",
            "kind",
            "name",
            "address",
            "longitude",
            "latitude",
            "contact_name",
            "contact_phone",
            "external_code",
            "updated_at",
        ],
        batch_size=1000,
    )
    batch.applied_at = now
    batch.created_count = len(to_create)
    batch.updated_count = len(to_update)
    batch.save(update_fields=["applied_at", "created_count", "updated_count"])
    return batch


EXPORT_HEADER = (
    "kind",
    "name",
    "address",
    "longitude",
    "latitude",
    "contact_name",
    "contact_phone",
    "external_code",
    "territory_code",
)


def outlets_export_xlsx(*, outlets) -> bytes:
    """An .xlsx of outlets in the import's column layout; formula-like text is neutralised."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("outlets")
    sheet.append(list(EXPORT_HEADER))
    for outlet in outlets.iterator(chunk_size=2000):
        sheet.append(
            [
                rules.safe_cell(value)
                for value in (
                    outlet.kind,
                    outlet.name,
                    outlet.address,
                    outlet.longitude,
                    outlet.latitude,
                    outlet.contact_name,
                    outlet.contact_phone,
                    outlet.external_code or "",
                    outlet.territory.code,
                )
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def survey_remove_row(*, survey_id: int, kind: str, row_id: int) -> None:
    """Remove a row a survey recorded by mistake (an outlet, wholesale market or competitor).

    Only rows linked to this survey can be removed; an outlet other records already use
    (visits, key accounts, trial shipments) is kept and reported.
    """
    from django.db.models import ProtectedError

    from .models import Competitor, CompetitorProduct, Outlet, WholesaleMarket

    models = {
        "outlet": (Outlet, {"survey_id": survey_id}),
        "wholesale_market": (WholesaleMarket, {"survey_id": survey_id}),
        "competitor": (Competitor, {"survey_id": survey_id}),
        "product": (CompetitorProduct, {"competitor__survey_id": survey_id}),
    }
    if kind not in models:
        raise ValidationError(_("Unknown row type."))
    model, lookup = models[kind]
    row = model.objects.filter(pk=row_id, **lookup).first()
    if row is None:
        raise ValidationError(_("This row is not part of the survey."))
    try:
        row.delete()
    except ProtectedError as exc:
        raise ValidationError(_("This record is used elsewhere and cannot be removed.")) from exc
    survey_refresh_completeness(survey_id=survey_id)


OUTLET_SYNC_FIELDS = [
    "territory",
    "kind",
    "name",
    "address",
    "longitude",
    "latitude",
    "contact_name",
    "contact_phone",
]


def outlets_bulk_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert outlets pushed by an ERP: one result per record, in order, set-based.

    Records are validated dicts (`external_code`, `territory` code and the outlet fields)
    or carry `errors`. Territories are resolved and scope-checked in one query; the write
    is one statement (`dealerhub.core.bulk.bulk_upsert`), unchanged outlets untouched.
    """
    from dealerhub.core.bulk import ERROR, bulk_upsert

    from .models import Outlet

    def visible(path: str) -> bool:
        return path_visible(path, allowed_paths)

    good = [r for r in records if "errors" not in r]
    territories = {
        code: (pk, path)
        for pk, code, path in Territory.objects.filter(
            code__in={r["territory"] for r in good}
        ).values_list("id", "code", "path")
    }
    stored = dict(
        Outlet.objects.filter(external_code__in=[r["external_code"] for r in good]).values_list(
            "external_code", "territory__path"
        )
    )
    results: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        code = record.get("external_code")
        result = {"index": index, "external_code": code, "status": None}
        results.append(result)
        if "errors" in record:
            result.update(status=ERROR, errors=record["errors"])
            continue
        errors: dict[str, list[str]] = {}
        territory = territories.get(record["territory"])
        if code in stored and not visible(stored[code]):
            errors["external_code"] = [_("Not found.")]
        elif code in seen:
            errors["external_code"] = [_("This code appears twice in the batch.")]
        if territory is None or not visible(territory[1]):
            errors["territory"] = [_("No territory in your scope has this code.")]
        if (record.get("longitude") is None) != (record.get("latitude") is None):
            errors["longitude"] = [_("Give both longitude and latitude, or neither.")]
        if errors:
            result.update(status=ERROR, errors=errors)
            continue
        seen.add(code)
        rows.append({**record, "territory": territory[0]})
    outcomes = bulk_upsert(model=Outlet, rows=rows, fields=OUTLET_SYNC_FIELDS) if rows else {}
    for result in results:
        if result["status"] is None:
            result["status"] = outcomes[result["external_code"]]
            if result["status"] == ERROR:
                result["errors"] = {"non_field_errors": [_("The database refused it.")]}
    return results
