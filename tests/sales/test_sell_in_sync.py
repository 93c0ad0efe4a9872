"""Sell-in lines on the sync contract: partitions, standard units, replay, scope, months."""

import datetime
from decimal import Decimal

from django.db import connection

from sales import services
from sales.models import SellInLine, SummaryBacklog

from .conftest import line, validated


def _partition_of(code: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM sales_sellinline WHERE external_code = %s", [code]
        )
        return cursor.fetchone()[0]


def test_lines_land_in_the_partition_of_their_month(erp, home, bottle):
    response = erp.post(
        "/api/v1/sell-in-lines/bulk",
        {"records": [line("L-1", date="2025-12-31"), line("L-2", date="2026-01-01")]},
        format="json",
    )

    assert response.json()["counts"] == {"created": 2}
    assert _partition_of("L-1") == "sales_sellinline_p2025_12"
    assert _partition_of("L-2") == "sales_sellinline_p2026_01"


def test_the_maintenance_task_creates_partitions_ahead(home, bottle):
    made = services.partitions_ensure(today=datetime.date(2040, 5, 20), ahead=1)

    assert made == 2
    assert {datetime.date(2040, 5, 1), datetime.date(2040, 6, 1)} <= services.partition_months()
    assert services.partitions_ensure(today=datetime.date(2040, 5, 20), ahead=1) == 0
    services.sell_in_lines_upsert(
        records=[validated(line("L-F", date="2040-06-02"))], allowed_paths=None
    )
    assert _partition_of("L-F") == "sales_sellinline_p2040_06"


def test_a_month_without_a_partition_is_refused_on_the_date(erp, home, bottle):
    response = erp.put("/api/v1/sell-in-lines/L-1", line("L-1", date="2019-03-01"), format="json")

    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    assert not SellInLine.objects.exists()


def test_standard_units_use_the_sku_factor(erp, home, jug):
    response = erp.put(
        "/api/v1/sell-in-lines/L-1", line("L-1", product="SOY-5L", quantity="3.00"), format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["standard_units"] == "12.0000"
    changed = erp.put("/api/v1/sell-in-lines/L-1", {"quantity": "5.00"}, format="json")
    assert changed.json()["standard_units"] == "20.0000"


def test_bulk_replay_with_the_same_key_applies_nothing_again(erp, home, bottle):
    records = [line(f"L-{i}") for i in range(5)]
    body = {"records": records}
    first = erp.post("/api/v1/sell-in-lines/bulk", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    stamps = dict(SellInLine.objects.values_list("external_code", "updated_at"))
    SummaryBacklog.objects.all().delete()

    replay = erp.post("/api/v1/sell-in-lines/bulk", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1")

    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert dict(SellInLine.objects.values_list("external_code", "updated_at")) == stamps
    assert not SummaryBacklog.objects.exists()


def test_the_same_batch_under_a_new_key_is_unchanged(erp, home, bottle):
    records = [line(f"L-{i}") for i in range(3)]
    erp.post("/api/v1/sell-in-lines/bulk", {"records": records}, format="json")
    SummaryBacklog.objects.all().delete()

    again = erp.post("/api/v1/sell-in-lines/bulk", {"records": records}, format="json")

    assert again.json()["counts"] == {"unchanged": 3}
    assert not SummaryBacklog.objects.exists()  # nothing written, nothing to refresh


def test_a_territory_token_cannot_push_lines_for_a_dealer_outside_it(erp, home, away, bottle):
    response = erp.post(
        "/api/v1/sell-in-lines/bulk",
        {"records": [line("L-IN"), line("L-OUT", dealer="AWAY")]},
        format="json",
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "error"]
    assert set(results[1]["errors"]) == {"dealer"}
    assert list(SellInLine.objects.values_list("external_code", flat=True)) == ["L-IN"]


def test_a_line_moves_within_its_month_but_not_to_another(erp, home, bottle):
    erp.put("/api/v1/sell-in-lines/L-1", line("L-1", date="2026-01-15"), format="json")

    within = erp.put("/api/v1/sell-in-lines/L-1", {"date": "2026-01-31"}, format="json")
    across = erp.put("/api/v1/sell-in-lines/L-1", {"date": "2026-02-01"}, format="json")

    assert within.status_code == 200
    assert across.status_code == 400
    assert "2026-01" in across.json()["errors"]["date"][0]
    assert list(SellInLine.objects.values_list("date", flat=True)) == [datetime.date(2026, 1, 31)]


def test_delete_then_create_moves_a_line_across_months(erp, home, bottle):
    etag = erp.put("/api/v1/sell-in-lines/L-1", line("L-1"), format="json")["ETag"]

    assert erp.delete("/api/v1/sell-in-lines/L-1", HTTP_IF_MATCH=etag).status_code == 204
    moved = erp.put("/api/v1/sell-in-lines/L-1", line("L-1", date="2026-02-03"), format="json")

    assert moved.status_code == 201
    assert _partition_of("L-1") == "sales_sellinline_p2026_02"
    keys = set(SummaryBacklog.objects.values_list("month", "dealer_id"))
    assert keys == {(datetime.date(2026, 1, 1), home.pk), (datetime.date(2026, 2, 1), home.pk)}


def test_lines_of_another_territory_are_invisible_to_a_scoped_token(
    erp, erp_everywhere, away, bottle
):
    erp_everywhere.put("/api/v1/sell-in-lines/L-X", line("L-X", dealer="AWAY"), format="json")

    assert erp.get("/api/v1/sell-in-lines/L-X").status_code == 404
    assert erp.get("/api/v1/sell-in-lines/").json()["results"] == []
    assert erp.get("/api/v1/collections/").json()["results"] == []


def test_the_incremental_pull_takes_three_queries_whatever_the_page(
    erp, home, bottle, django_assert_max_num_queries
):
    services.sell_in_lines_upsert(
        records=[validated(line(f"L-{i}", value=f"{i}.00")) for i in range(40)],
        allowed_paths=None,
    )

    with django_assert_max_num_queries(6):  # token, client scope, lines page (+ throttle)
        response = erp.get("/api/v1/sell-in-lines/", {"page_size": 40})

    rows = response.json()["results"]
    assert len(rows) == 40
    assert rows[0]["dealer"] == "HOME"
    assert rows[0]["market"] == "440300"
    assert {Decimal(r["standard_units"]) for r in rows} == {Decimal(10)}
