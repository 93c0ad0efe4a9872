"""The territory tree: validation, set-based writes from the API and path maintenance."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from dealerhub.core.bulk import field_errors
from dealerhub.core.scoping import path_visible

from ..choices import LEVEL_RANK, CityTier, TerritoryLevel
from ..models import PATH_SEPARATOR, Territory

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


def parent_level_error(level: str, parent_level: str) -> str | None:
    if LEVEL_RANK[TerritoryLevel(parent_level)] >= LEVEL_RANK[TerritoryLevel(level)]:
        return _("A %(level)s cannot sit under a %(parent)s.") % {
            "level": TerritoryLevel(level).label,
            "parent": TerritoryLevel(parent_level).label,
        }
    return None


def rebuild_paths(codes: list[str] | None = None) -> int:
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


def write_territory_rows(datas: list[TerritoryData]) -> None:
    """Upsert validated rows set-based: one statement per level, so each row's parent
    exists when the row is written (the "only provinces are roots" check is per row).
    The caller rebuilds paths afterwards."""
    by_rank: dict[int, list[TerritoryData]] = {}
    for data in datas:
        by_rank.setdefault(LEVEL_RANK[TerritoryLevel(data.level)], []).append(data)
    for rank in sorted(by_rank):
        batch = by_rank[rank]
        parent_ids: dict[str | None, int] = dict(
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
                    # Provisional unique path for new rows; rebuild_paths() sets it.
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


def territories_bulk_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Apply territory records from the API (PUT or bulk): one result per record, in order.

    Records are validated dicts keyed by `code` (``parent`` is the parent's code) or
    carry `errors`. Fields a record leaves out keep their stored values. Parents may be
    earlier or later in the batch or already stored. A scoped client
    (``allowed_paths``) only writes below territories it can see. Valid records are
    applied set-based; records that fail are reported and nothing of them is written.
    """
    codes = {r["code"] for r in records if "errors" not in r}
    codes |= {r["parent"] for r in records if "errors" not in r and r.get("parent")}
    stored = {t.code: t for t in Territory.objects.select_related("parent").filter(code__in=codes)}
    seen: set[str] = set()
    results: list[dict] = []
    datas: dict[int, TerritoryData] = {}
    for index, record in enumerate(records):
        code = record.get("code")
        result = {"index": index, "external_code": code, "code": code, "status": None}
        results.append(result)
        if "errors" in record:
            result.update(status="error", errors=record["errors"])
            continue
        if code in seen:
            result.update(
                status="error", errors={"code": [_("This code appears twice in the batch.")]}
            )
            continue
        code = record["code"]  # a record without errors always carries its code
        seen.add(code)
        current = stored.get(code)
        merged = {
            name: getattr(current, name) for name in TERRITORY_DATA_FIELDS if current is not None
        }
        if current is not None:
            merged["parent"] = current.parent.code if current.parent is not None else None
        merged.update(record)
        missing = [name for name in ("name", "level") if not merged.get(name)]
        if missing:
            result.update(
                status="error", errors={name: [_("This field is required.")] for name in missing}
            )
            continue
        datas[index] = TerritoryData(
            code=code,
            name=merged["name"],
            level=merged["level"],
            parent_code=merged.get("parent") or None,
            tier=merged.get("tier") or "",
            population_total=merged.get("population_total"),
            population_urban=merged.get("population_urban"),
            longitude=merged.get("longitude"),
            latitude=merged.get("latitude"),
        )
    parents = {d.parent_code for d in datas.values() if d.parent_code} - set(stored)
    stored |= {t.code: t for t in Territory.objects.filter(code__in=parents)}
    _territory_batch(datas, results, stored, allowed_paths)
    return results


def _territory_batch(
    datas: dict[int, TerritoryData],
    results: list[dict],
    stored: dict[str, Territory],
    allowed_paths: list[str] | None,
) -> None:
    in_batch = {d.code: d for d in datas.values()}
    level_changes = [
        d.code for d in datas.values() if d.code in stored and stored[d.code].level != d.level
    ]
    child_levels: dict[str, set[str]] = {}
    for parent_code, level in Territory.objects.filter(parent__code__in=level_changes).values_list(
        "parent__code", "level"
    ):
        child_levels.setdefault(parent_code, set()).add(level)
    to_write: list[TerritoryData] = []

    def visible(path: str) -> bool:
        return path_visible(path, allowed_paths)

    for index, data in datas.items():
        errors = validate_territory_fields(
            code=data.code,
            name=data.name,
            level=data.level,
            parent_code=data.parent_code,
            tier=data.tier,
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
                message = parent_level_error(data.level, parent_level)
                if message:
                    errors["parent"] = message
        if not data.parent_code and allowed_paths is not None:
            errors["parent"] = _("Only clients with every territory may add a province.")
        if "level" not in errors and any(
            parent_level_error(child, data.level) for child in child_levels.get(data.code, ())
        ):
            errors["level"] = _("Its children would sit above it.")
        errors |= {
            name: messages[0]
            for name, messages in field_errors(
                Territory, {name: getattr(data, name) for name in TERRITORY_DATA_FIELDS}
            ).items()
        }
        if errors:
            results[index].update(
                status="error", errors={name: [message] for name, message in errors.items()}
            )
            continue
        parent_is_stored = data.parent_code is None or parent is not None
        if (
            current is not None
            and parent_is_stored
            and _same_as_stored(current, data, parent.pk if parent else None)
        ):
            results[index]["status"] = "unchanged"
            continue
        to_write.append(data)
        results[index]["status"] = "updated" if current else "created"
    if to_write:
        with transaction.atomic():
            write_territory_rows(to_write)
            rebuild_paths([data.code for data in to_write])


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
