"""Excel import (all rows or nothing, every bad row by number) and the grid's export."""

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning.choices import RevisionSource
from planning.models import Target, TargetRevision

from .conftest import SELL_IN, YEAR, cell
from .factories import DealerFactory

HEADER = ["year", "month", "measure", "territory_code", "dealer_code", "value"]


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, content, name="targets.xlsx", reason=""):
    return client.post(
        reverse("planning:import"),
        {"file": SimpleUploadedFile(name, content), "reason": reason},
    )


def test_a_good_file_is_applied_whole_with_a_revision_per_figure(client, world, manager):
    DealerFactory(external_code="D-SZ", market=world.shenzhen_market)
    client.force_login(manager)

    response = _upload(
        client,
        _xlsx(
            [
                [2026, 1, "sell_in_value", "440300", None, 1200],
                [2026, 2, "销售额（¥）", "440300", "", "1,300"],  # label and separators
                [2026, 1, "collections", "440300", "D-SZ", 500],
            ]
        ),
        reason="年初计划",
    )

    assert response.status_code == 302
    assert set(Target.objects.values_list("external_code", "value")) == {
        ("2026-01-sell_in_value-440300", Decimal(1200)),
        ("2026-02-sell_in_value-440300", Decimal(1300)),
        ("2026-01-collections-440300-D-SZ", Decimal(500)),
    }
    assert set(TargetRevision.objects.values_list("reason", "source", "changed_by")) == {
        ("年初计划", RevisionSource.IMPORT, manager.pk)
    }


def test_every_bad_row_is_reported_by_number_and_nothing_is_applied(client, world, manager):
    client.force_login(manager)

    response = _upload(
        client,
        _xlsx(
            [
                [2026, 1, "sell_in_value", "440300", None, 100],  # row 2: good
                [2026, 13, "sell_in_value", "440300", None, 100],  # 3: bad month
                [2026, 1, "sell_in_value", "999999", None, 100],  # 4: unknown territory
                [2026, 1, "sell_in_value", "430100", None, 100],  # 5: out of scope
                [2026, 2, "sell_in_value", "440300", None, -5],  # 6: negative
                [2026, 1, "sell_in_value", "440300", None, 7],  # 7: duplicate of row 2
                [2026, 1, "profit", "440100", "D-NONE", "abc"],  # 8: three problems
            ]
        ),
    )

    assert response.status_code == 400
    errors = response.context["report"].errors
    assert [number for number, _message in errors] == [3, 4, 5, 6, 7, 8]
    messages = dict(errors)
    assert "13" in messages[3]
    assert "999999" in messages[4]
    assert "430100" in messages[5]
    assert "2" in messages[7]
    assert messages[8].count("。") + messages[8].count(".") >= 3
    assert Target.objects.count() == 0
    assert TargetRevision.objects.count() == 0


def test_a_csv_in_gbk_is_read(client, world, manager):
    client.force_login(manager)
    content = ",".join(HEADER) + "\n2026,3,标准件,440300,,900\n"

    response = _upload(client, content.encode("gbk"), name="targets.csv")

    assert response.status_code == 302
    assert Target.objects.get().external_code == "2026-03-standard_units-440300"


def test_a_rep_may_not_import(client, world, rep):
    client.force_login(rep)

    response = _upload(client, _xlsx([[2026, 1, "sell_in_value", "440300", None, 1]]))

    assert response.status_code == 403
    assert Target.objects.count() == 0


def test_export_is_the_grid_layout_and_formula_safe(client, world, manager, write):
    write(cell(world.shenzhen, 1, 1200), cell(world.guangzhou, 12, 300))
    world.guangzhou.name = "=HYPERLINK(1)"
    world.guangzhou.save()
    client.force_login(manager)

    response = client.get(reverse("planning:export", args=["440000", YEAR, SELL_IN]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["片区", "territory_code", "市场", "dealer_code", "经销商"]
    assert rows[0][5:] == [str(m) for m in range(1, 13)] + ["年份"]
    by_code = {row[1]: row for row in rows[1:-1]}
    assert by_code["440300"][5] == 1200 and by_code["440300"][17] == 1200
    assert by_code["440100"][2] == "'=HYPERLINK(1)"
    assert rows[-1][2] == "合计" and rows[-1][17] == 1500
