import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from markets import services
from markets.models import Outlet, OutletImport

from ..factories import CountyFactory
from .factories import OutletFactory

CLEAN = (
    "kind,name,address,longitude,latitude,external_code\n"
    "ka_store,沃尔玛南山店,南山大道1号,113.93,22.53,W001\n"
    "wholesale,老王批发,布吉农批,,,\n"
)
BAD = (
    "kind,name,address,longitude,latitude\n"
    "ka_store,好又多,人民路,113.9,22.5\n"
    "spaceship,飞船,,,\n"
    "catering,,无名,,\n"
    "canteen,食堂,,200,22\n"
)


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _prepare(world, user, content, filename="outlets.csv"):
    return services.outlet_import_prepare(
        market_id=world.shenzhen_market.pk, by=user, filename=filename, content=content
    )


def test_clean_csv_imports_every_row(world, rep):
    batch = _prepare(world, rep, CLEAN.encode())

    services.outlet_import_apply(import_id=batch.pk, by=rep)

    assert set(Outlet.objects.values_list("name", "kind", "external_code")) == {
        ("老王批发", "wholesale", None),
        ("沃尔玛南山店", "ka_store", "W001"),
    }


def test_clean_xlsx_imports(world, rep):
    content = _xlsx([["kind", "name", "address"], ["KA store", "华润万家", "深南大道"]])
    batch = _prepare(world, rep, content, filename="whatever.bin")

    services.outlet_import_apply(import_id=batch.pk, by=rep)

    assert list(Outlet.objects.values_list("name", "kind")) == [("华润万家", "ka_store")]


def test_bad_rows_reported_with_row_numbers_and_nothing_imported(world, rep):
    batch = _prepare(world, rep, BAD.encode())

    assert [number for number, _message in batch.errors] == [3, 4, 5]
    assert "spaceship" in batch.errors[0][1]
    with pytest.raises(ValidationError):
        services.outlet_import_apply(import_id=batch.pk, by=rep)
    assert not Outlet.objects.exists()


def test_confirming_imports_only_the_valid_rows(world, rep):
    batch = _prepare(world, rep, BAD.encode())

    services.outlet_import_apply(import_id=batch.pk, by=rep, accept_errors=True)

    assert list(Outlet.objects.values_list("name", flat=True)) == ["好又多"]


def test_reimporting_updates_instead_of_duplicating(world, rep):
    services.outlet_import_apply(import_id=_prepare(world, rep, CLEAN.encode()).pk, by=rep)
    changed = CLEAN.replace("南山大道1号", "南山大道2号")

    batch = services.outlet_import_apply(
        import_id=_prepare(world, rep, changed.encode()).pk, by=rep
    )

    assert (batch.created_count, batch.updated_count) == (0, 2)
    assert Outlet.objects.get(external_code="W001").address == "南山大道2号"


def test_an_import_applies_once(world, rep):
    batch = _prepare(world, rep, CLEAN.encode())
    services.outlet_import_apply(import_id=batch.pk, by=rep)

    with pytest.raises(ValidationError):
        services.outlet_import_apply(import_id=batch.pk, by=rep)
    assert Outlet.objects.count() == 2


def test_territory_outside_market_is_a_row_error(world, rep):
    content = "kind,name,territory_code\nka_store,A,430100\nka_store,B,440305\n"

    batch = _prepare(world, rep, content.encode())

    assert [number for number, _m in batch.errors] == [2]
    assert [row["name"] for row in batch.rows] == ["B"]


def test_external_code_of_another_markets_outlet_is_a_row_error(world, rep):
    OutletFactory(territory=world.changsha, external_code="CS1")

    batch = _prepare(world, rep, b"kind,name,external_code\nka_store,X,CS1\n")

    assert [number for number, _m in batch.errors] == [2]
    assert Outlet.objects.get(external_code="CS1").territory == world.changsha


def test_missing_columns_reported_on_row_1(world, rep):
    with translation.override("en"):
        batch = _prepare(world, rep, b"name\nX\n")

    assert batch.errors == [[1, "Missing columns: kind."]]


def test_binary_garbage_is_refused(world, rep):
    batch = _prepare(world, rep, b"\x00\x01\x02\xff\xfe" * 10)

    assert batch.rows == []
    assert batch.errors[0][0] == 1


def test_gbk_csv_is_read(world, rep):
    batch = _prepare(world, rep, "kind,name\nka_store,步步高\n".encode("gbk"))

    assert [row["name"] for row in batch.rows] == ["步步高"]


def test_upload_preview_and_confirm_through_pages(client, world, rep):
    client.force_login(rep)
    upload = SimpleUploadedFile("o.csv", BAD.encode(), content_type="text/csv")

    response = client.post(
        reverse("markets:outlet_import", args=[world.shenzhen_market.pk]), {"file": upload}
    )
    batch = OutletImport.objects.get()
    assert response.url == reverse(
        "markets:outlet_import_preview", args=[world.shenzhen_market.pk, batch.pk]
    )
    assert not Outlet.objects.exists()

    preview = client.get(response.url)
    assert "spaceship" in preview.content.decode()

    client.post(response.url, {"accept_errors": "1"})
    assert list(Outlet.objects.values_list("name", flat=True)) == ["好又多"]


def test_someone_elses_import_is_404(client, world, rep, manager):
    batch = _prepare(world, rep, CLEAN.encode())
    client.force_login(manager)

    response = client.post(
        reverse("markets:outlet_import_preview", args=[world.shenzhen_market.pk, batch.pk])
    )

    assert response.status_code == 404
    assert not Outlet.objects.exists()


def test_export_escapes_formula_cells_and_is_scoped(client, world, rep):
    OutletFactory(territory=world.shenzhen, name='=HYPERLINK("x")', address="+86 街")
    OutletFactory(territory=world.nanshan, name="南山店")
    OutletFactory(territory=world.changsha, name="长沙店")
    client.force_login(rep)

    response = client.get(reverse("markets:outlet_export", args=[world.shenzhen_market.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("kind", "name", "address")
    assert sorted(row[1] for row in rows[1:]) == ['\'=HYPERLINK("x")', "南山店"]
    assert [row[2] for row in rows[1:] if row[1].startswith("'")] == ["'+86 街"]


def test_export_round_trips_through_import(client, world, rep):
    county = CountyFactory(code="440306", name="宝安区", parent=world.shenzhen)
    OutletFactory(territory=county, name="宝安店", external_code="BA1")
    client.force_login(rep)
    content = client.get(reverse("markets:outlet_export", args=[world.shenzhen_market.pk])).content

    batch = _prepare(world, rep, content)

    assert (batch.errors, [row["territory_id"] for row in batch.rows]) == ([], [county.pk])
