"""The set-based upsert behind every bulk endpoint, exercised on outlets."""

from decimal import Decimal

import pytest

from dealerhub.core.bulk import bulk_upsert
from markets.models import Outlet

FIELDS = ["territory", "kind", "name", "address", "longitude"]


@pytest.fixture
def rows(world):
    return [
        {
            "external_code": "O-1",
            "territory": world.shenzhen.pk,
            "kind": "ka_store",
            "name": "沃尔玛 福田店",
            "address": "深南大道 1 号",
            "longitude": Decimal("114.05"),
        },
        {
            "external_code": "O-2",
            "territory": world.nanshan.pk,
            "kind": "small_store",
            "name": "南山便利店",
            "address": "",
            "longitude": None,
        },
    ]


def upsert(rows):
    return bulk_upsert(model=Outlet, rows=rows, fields=FIELDS)


def test_new_rows_are_created(rows):
    assert upsert(rows) == {"O-1": "created", "O-2": "created"}
    assert Outlet.objects.get(external_code="O-1").territory.code == "440300"


def test_same_rows_again_are_unchanged_and_not_written(rows):
    upsert(rows)
    stamp = Outlet.objects.get(external_code="O-1").updated_at

    assert upsert(rows) == {"O-1": "unchanged", "O-2": "unchanged"}
    assert Outlet.objects.get(external_code="O-1").updated_at == stamp


def test_changed_row_is_updated(rows):
    upsert(rows)
    rows[1]["name"] = "南山便利店（新）"

    assert upsert(rows) == {"O-1": "unchanged", "O-2": "updated"}
    assert Outlet.objects.get(external_code="O-2").name == "南山便利店（新）"


def test_a_row_the_database_refuses_does_not_block_the_others(rows):
    rows[0]["territory"] = 999_999  # no such territory: foreign key violation

    assert upsert(rows) == {"O-1": "error", "O-2": "created"}
    assert list(Outlet.objects.values_list("external_code", flat=True)) == ["O-2"]


def test_bulk_upsert_is_a_handful_of_statements(rows, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        upsert(rows * 1)
