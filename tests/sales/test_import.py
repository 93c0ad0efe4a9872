"""Excel/CSV import of actuals: all rows or none, every bad row named by its number."""

from sales import services
from sales.models import Collection, SellInLine

HEADER = "external_code,dealer,product,date,quantity,value,lot_codes\n"


def test_bad_rows_apply_nothing_and_every_row_number_is_reported(manager, home, away, bottle):
    content = (
        HEADER
        + "L-1,HOME,SOY-500,2026-01-05,10,1200,A1\n"
        + "L-2,HOME,SOY-500,not-a-date,10,1200,\n"
        + "L-3,AWAY,SOY-500,2026-01-05,10,1200,\n"
        + "L-4,HOME,NOPE,2026-01-05,x,1200,\n"
    ).encode()

    report = services.actuals_import(user=manager, kind="sell_in", content=content)

    assert [number for number, _problems in report.errors] == [3, 4, 5]
    assert not SellInLine.objects.exists()


def test_a_good_file_is_applied_with_lot_codes(manager, home, bottle):
    content = (HEADER + 'L-1,HOME,SOY-500,2026-01-05,10,1200,"A1,B2"\n').encode()

    report = services.actuals_import(user=manager, kind="sell_in", content=content)

    assert report.ok
    assert report.counts == {"created": 1}
    assert SellInLine.objects.get().lot_codes == ["A1", "B2"]


def test_collections_import_uses_chinese_headers(manager, home):
    content = "ERP单号,经销商编码,日期,金额\nP-1,HOME,2026-01-05,5000\n".encode()

    report = services.actuals_import(user=manager, kind="collections", content=content)

    assert report.errors == []
    assert Collection.objects.get().amount == 5000
