import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from markets.models import Territory
from markets.services import refresh_territory_counts, territories_import

GOOD = """code,name,parent_code,level,tier,longitude,latitude
440300,深圳市,440000,city,key,114.057868,22.543099
440000,广东省,,province,,113.266531,23.132191
440305,南山区,440300,county,,113.930413,22.533287
440100,广州市,440000,city,key,,
"""

BAD = """code,name,parent_code,level,tier
440000,广东省,,province,
44A300,深圳市,440000,city,key
440305,,440300,county,
440306,宝安区,999999,county,
440100,广州市,440000,metropolis,
440307,龙岗区,440300,county,key
440000,广东省again,,province,
"""


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_import_builds_tree_whatever_the_row_order(db):
    report = territories_import(text=GOOD)

    assert report.ok
    assert (report.created, report.updated) == (4, 0)
    nanshan = Territory.objects.get(code="440305")
    assert nanshan.path == "440000/440300/440305/"
    assert nanshan.depth == 2
    assert nanshan.parent.code == "440300"


def test_import_keeps_coordinates_and_tier(db):
    territories_import(text=GOOD)

    shenzhen = Territory.objects.get(code="440300")
    assert shenzhen.tier == "key"
    assert str(shenzhen.longitude) == "114.057868"


def test_reimport_updates_in_place(db):
    territories_import(text=GOOD)

    report = territories_import(text=GOOD.replace("南山区", "南山新区"))

    assert (report.created, report.updated) == (0, 4)
    assert Territory.objects.get(code="440305").name == "南山新区"
    assert Territory.objects.count() == 4


def test_bad_file_reports_every_bad_row_with_its_number(db):
    report = territories_import(text=BAD)

    assert [row for row, _ in report.errors] == [3, 4, 5, 6, 7, 8]


def test_bad_file_imports_nothing(db):
    territories_import(text=BAD)

    assert Territory.objects.count() == 0


def test_missing_columns_are_reported_on_the_header_row(db):
    with translation.override("en"):
        report = territories_import(text="code,name\n440000,广东省\n")

    assert report.errors == [(1, "Missing columns: parent_code, level.")]


def test_command_imports_good_file(db, good_csv, capsys):
    call_command("import_territories", str(good_csv), "--sync-counts")

    assert Territory.objects.get(code="440000").county_count == 1
    assert "Imported 4 territories: 4 created, 0 updated." in capsys.readouterr().out


def test_command_fails_on_bad_file_and_lists_rows(db, bad_csv, capsys):
    with pytest.raises(CommandError, match="6 bad row"):
        call_command("import_territories", str(bad_csv))

    err = capsys.readouterr().err
    assert "row 3:" in err
    assert "row 8:" in err
    assert Territory.objects.count() == 0


def test_counts_of_counties_are_recomputed_set_based(db, django_assert_num_queries):
    territories_import(text=GOOD)

    with django_assert_num_queries(1):
        changed = refresh_territory_counts()

    assert changed == 2  # 广东 and 深圳 each gain one county
    assert Territory.objects.get(code="440300").county_count == 1


def test_bundled_territory_file_imports_cleanly(db, settings):
    text = (settings.BASE_DIR / "data" / "territories.csv").read_text(encoding="utf-8")

    report = territories_import(text=text)

    assert report.ok
    assert Territory.objects.filter(level="province").count() == 2
