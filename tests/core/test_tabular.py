"""Tabular imports read what people save from Excel and WPS; exports stay formula-safe."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from dealerhub.core import tabular

CSV = "名称,地址\n沃尔玛,深南大道1号\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+86", "'+86"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("沃尔玛", "沃尔玛"),
        (Decimal("1.5"), 1.5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert tabular.safe_cell(value) == expected


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_utf8_and_gbk_csv_read_the_same(encoding):
    rows = tabular.read_table(content=CSV.encode(encoding))

    assert rows == [["名称", "地址"], ["沃尔玛", "深南大道1号"]]


@pytest.mark.parametrize("encoding", ["big5", "shift_jis"])
def test_other_encodings_are_refused_by_name_not_read_as_mojibake(encoding):
    text = (
        "名稱,地址\n台北門市,忠孝東路一段一號\n"
        if encoding == "big5"
        else "名前,住所\n東京店,銀座一丁目\n"
    )
    content = (text * 20).encode(encoding)

    with pytest.raises(ValidationError) as error:
        tabular.read_table(content=content)

    assert "UTF-8" in str(error.value)


def test_xlsx_is_recognised_by_content():
    book = openpyxl.Workbook()
    book.active.append(["名称", None, 3])
    buffer = io.BytesIO()
    book.save(buffer)

    assert tabular.read_table(content=buffer.getvalue()) == [["名称", "", "3"]]


def test_oversized_file_is_refused():
    with pytest.raises(ValidationError):
        tabular.read_table(content=b"a,b\n" * 10, max_bytes=10)


def test_workbook_neutralises_formulas():
    data = tabular.workbook(title="x", header=["a"], rows=[["=HYPERLINK(1)"], [Decimal("2.5")]])

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["'=HYPERLINK(1)", 2.5]
