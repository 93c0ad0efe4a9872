"""Tabular files in and out, one way for every import and export.

- :func:`read_table`: an uploaded .xlsx or .csv as rows of text cells, recognised by
  content (not by name), with the encoding detected: UTF-8 (with or without BOM) and
  GBK/GB18030 are read; a file in another encoding (Big5, Shift-JIS…) is refused with a
  message naming it instead of being read as mojibake.
- :func:`safe_cell` and :func:`workbook`: exports where text that a spreadsheet would
  run as a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def decode_text(content: bytes) -> str:
    """CSV bytes as text: UTF-8, else GBK/GB18030 when the content reads as Chinese in it;
    anything else is refused, naming the encoding it looks like."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_gbk(text):
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is not None:
        raise ValidationError(
            {
                "file": _(
                    "The file looks like %(encoding)s text. Save it as CSV UTF-8 (or GBK) "
                    "or as Excel (.xlsx), then upload it again."
                )
                % {"encoding": best.encoding}
            }
        )
    raise ValidationError({"file": _("Upload an Excel (.xlsx) or CSV (UTF-8 or GBK) file.")})


def _plausible_gbk(text: str) -> bool:
    """Big5 or Shift-JIS bytes also decode as GB18030, into rare characters: real GBK
    text is nearly all in the GB2312 set of common simplified characters."""
    wide = [char for char in text if ord(char) > 0x7F]
    if not wide:
        return True
    common = 0
    for char in wide:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common / len(wide) >= 0.9


def parse_optional_int(value: str, label: str, problems: list[str]) -> int | None:
    """A whole number ≥ 0 from a cell, or None if empty; problems are appended."""
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


def parse_optional_decimal(
    value: str, label: str, limit: int, problems: list[str]
) -> Decimal | None:
    """A finite number within ±limit from a cell (6 decimals), or None if empty."""
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


def read_table(
    *, content: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> list[list[str]]:
    """Rows of stripped text cells of an .xlsx (first sheet) or .csv upload."""
    if len(content) > max_bytes:
        raise ValidationError(
            {"file": _("The file may be at most %(mb)d MB.") % {"mb": max_bytes // 2**20}}
        )
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, max_rows)
    text = decode_text(content)
    if "\x00" in text:
        raise ValidationError({"file": _("Upload an Excel (.xlsx) or CSV (UTF-8 or GBK) file.")})
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _read_xlsx(content: bytes, max_rows: int) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt zip/xml
        raise ValidationError({"file": _("The Excel file cannot be read.")}) from exc
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else str(cell).strip() for cell in row])
        if len(rows) > max_rows + 1:
            break
    book.close()
    return rows


def workbook(*, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A one-sheet .xlsx (streamed: write-only) with every text cell formula-safe."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([safe_cell(value) for value in header])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
