"""The territory CSV import: every bad row reported, nothing applied unless all are good."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core import tabular

from ..models import Territory
from .territories import (
    IMPORT_COLUMNS,
    TerritoryData,
    parent_level_error,
    rebuild_paths,
    validate_territory_fields,
    write_territory_rows,
)


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
        population_total = tabular.parse_optional_int(
            values.get("population_total", ""), _("Population"), problems
        )
        population_urban = tabular.parse_optional_int(
            values.get("population_urban", ""), _("Urban population"), problems
        )
        longitude = tabular.parse_optional_decimal(
            values.get("longitude", ""), _("Longitude"), 180, problems
        )
        latitude = tabular.parse_optional_decimal(
            values.get("latitude", ""), _("Latitude"), 90, problems
        )
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
        message = parent_level_error(data.level, parent_level)
        if message:
            report.errors.append((number, message))
    report.errors.sort()
    if report.errors:
        return report

    with transaction.atomic():
        existing = set(Territory.objects.filter(code__in=in_file).values_list("code", flat=True))
        write_territory_rows([data for _row, data in rows])
        rebuild_paths()
        report.created = len(in_file) - len(existing)
        report.updated = len(existing)
    return report
