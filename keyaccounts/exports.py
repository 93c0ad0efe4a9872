"""The portfolio matrix as an Excel workbook (openpyxl)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dealerhub.core.tabular import safe_cell

from .choices import QUADRANT_STRATEGY, Quadrant


def matrix_workbook(*, points, year: int, region=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    title = _("KA portfolio matrix %(year)s") % {"year": year}
    if region is not None:
        title += f" · {region.name}"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        _("External code"),
        _("Key account"),
        _("Home territory"),
        _("Attractiveness"),
        _("Supportiveness"),
        _("Quadrant"),
        _("Previous year"),
        _("Visits per month"),
        _("Strategy"),
        _("Template version"),
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for point in points:
        sheet.append(
            [
                safe_cell(point.external_code),
                safe_cell(point.name),
                safe_cell(point.territory or _("National account")),
                float(point.attractiveness),
                float(point.supportiveness),
                str(Quadrant(point.quadrant).label),
                str(Quadrant(point.previous_quadrant).label) if point.previous_quadrant else "",
                point.visits_per_month,
                str(QUADRANT_STRATEGY[point.quadrant][1]),
                point.template_version,
            ]
        )
    for column, width in zip("ABCDEFGHIJ", (14, 28, 12, 10, 10, 16, 16, 10, 50, 8), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def matrix_workbook_response(*, points, year: int, region=None) -> HttpResponse:
    response = HttpResponse(
        matrix_workbook(points=points, year=year, region=region),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ka-matrix-{year}.xlsx"'
    return response
