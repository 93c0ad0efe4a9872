"""Sell-in lines and collections from an Excel/CSV file, for managers in their scope.

Synchronous, up to ``dealerhub.core.tabular.MAX_ROWS`` (5,000) rows a file: the whole
file is checked and written in one transaction (set-based, about a second), and if any
row is bad nothing is applied and every bad row is reported with its row number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealerhub.core.bulk import ERROR
from dealerhub.core.scoping import allowed_paths
from dealerhub.core.tabular import parse_optional_decimal, read_table

from .actuals import collections_upsert, sell_in_lines_upsert

CHUNK = 1000
LIMIT = 10**12

# (field, header label, kind); headers are matched by field name, English or Chinese label.
SELL_IN_COLUMNS = [
    ("external_code", gettext_lazy("Line id"), "code"),
    ("dealer", gettext_lazy("Dealer code"), "code"),
    ("product", gettext_lazy("SKU"), "code"),
    ("date", gettext_lazy("Date"), "date"),
    ("quantity", gettext_lazy("Quantity"), "decimal"),
    ("value", gettext_lazy("Value"), "decimal"),
    ("lot_codes", gettext_lazy("Lot codes"), "list"),
]
COLLECTION_COLUMNS = [
    ("external_code", gettext_lazy("ERP reference"), "code"),
    ("dealer", gettext_lazy("Dealer code"), "code"),
    ("date", gettext_lazy("Date"), "date"),
    ("amount", gettext_lazy("Amount"), "decimal"),
    ("reference", gettext_lazy("Payment reference"), "text"),
]
KINDS = {
    "sell_in": (SELL_IN_COLUMNS, sell_in_lines_upsert),
    "collections": (COLLECTION_COLUMNS, collections_upsert),
}
OPTIONAL = {"lot_codes", "reference"}


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_index(header: list[str], columns) -> tuple[dict[str, int], list[str]]:
    names: dict[str, str] = {}
    for name, label, _kind in columns:
        names[name.lower()] = name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(label).lower()] = name
    index = {}
    for position, cell in enumerate(header):
        if cell.lower() in names:
            index[names[cell.lower()]] = position
    missing = [
        str(label) for name, label, _k in columns if name not in index and name not in OPTIONAL
    ]
    return index, missing


def _parse(cells: list[str], index: dict[str, int], columns) -> tuple[dict, list[str]]:
    record: dict = {}
    problems: list[str] = []
    for name, label, kind in columns:
        position = index.get(name)
        raw = cells[position] if position is not None and position < len(cells) else ""
        if not raw:
            if name not in OPTIONAL:
                problems.append(_("%(label)s is required.") % {"label": label})
            continue
        if kind == "date":
            try:
                record[name] = datetime.date.fromisoformat(raw[:10])
            except ValueError:
                problems.append(
                    _("%(label)s must be a date like 2026-01-31, not %(value)r.")
                    % {"label": label, "value": raw}
                )
        elif kind == "decimal":
            number = parse_optional_decimal(raw, str(label), LIMIT, problems)
            if number is not None:
                record[name] = number.quantize(Decimal("0.01"))
        elif kind == "list":
            record[name] = [
                code.strip() for code in raw.replace("，", ",").split(",") if code.strip()
            ]
        else:
            record[name] = raw
    return record, problems


def actuals_import(*, user, kind: str, content: bytes) -> ImportReport:
    """Check and apply a file of sell-in lines or collections; all or nothing."""
    columns, write = KINDS[kind]
    table = read_table(content=content)
    report = ImportReport()
    if not table:
        report.errors.append((1, [_("The file is empty.")]))
        return report
    index, missing = _header_index(table[0], columns)
    if missing:
        report.errors.append(
            (1, [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}])
        )
        return report
    records, numbers = [], []
    for offset, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        record, problems = _parse(cells, index, columns)
        if problems:
            report.errors.append((offset, problems))
        else:
            records.append(record)
            numbers.append(offset)
    report.rows = len(records) + len(report.errors)
    paths = allowed_paths(user)
    with transaction.atomic():
        for start in range(0, len(records), CHUNK):
            results = write(records=records[start : start + CHUNK], allowed_paths=paths)
            for result in results:
                number = numbers[start + result["index"]]
                if result["status"] == ERROR:
                    messages = [
                        f"{name}: {message}" if name != "non_field_errors" else str(message)
                        for name, field_messages in result["errors"].items()
                        for message in field_messages
                    ]
                    report.errors.append((number, messages))
                else:
                    report.counts[result["status"]] = report.counts.get(result["status"], 0) + 1
        if report.errors:
            transaction.set_rollback(True)
            report.counts = {}
    report.errors.sort()
    return report
