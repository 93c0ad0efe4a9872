"""Writes for the territory tree and markets. Views, API and commands call these."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

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
    if not code or not code.isdigit() or len(code) > 12:
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


def _rebuild_paths() -> int:
    """Recompute path and depth for the whole tree in one statement.

    Only rows whose path actually changes are written, so re-running is cheap.
    """
    table = Territory._meta.db_table
    sql = f"""
        WITH RECURSIVE tree(id, path, depth) AS (
            SELECT id, code || %s, 0 FROM {table} WHERE parent_id IS NULL
            UNION ALL
            SELECT child.id, tree.path || child.code || %s, tree.depth + 1
            FROM {table} child JOIN tree ON child.parent_id = tree.id
        )
        UPDATE {table} t SET path = tree.path, depth = tree.depth
        FROM tree
        WHERE t.id = tree.id AND (t.path, t.depth) IS DISTINCT FROM (tree.path, tree.depth)
    """  # noqa: S608 - table name comes from model meta, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [PATH_SEPARATOR, PATH_SEPARATOR])
        return cursor.rowcount


@transaction.atomic
def territory_upsert(*, data: TerritoryData) -> tuple[Territory, bool]:
    """Create or update one territory by code; raises ValidationError with field messages."""
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
        _rebuild_paths()
    return territory, created


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
        # Level by level, so each row's parent exists when the row is written (the
        # "only provinces are roots" constraint is checked per row).
        by_rank: dict[int, list[TerritoryData]] = {}
        for _row, data in rows:
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
        _rebuild_paths()
        report.created = len(in_file) - len(existing)
        report.updated = len(existing)
    return report


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


@transaction.atomic
def market_update_profile(
    *,
    market_id: int,
    expected_updated_at,
    income_level: str,
    pillar_industries: str,
    notes: str,
    rep_id: int | None,
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
    market.income_level = income_level
    market.pillar_industries = pillar_industries
    market.notes = notes
    market.rep_id = rep_id
    market.full_clean()
    market.save()
    return market
