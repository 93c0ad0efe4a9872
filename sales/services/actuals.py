"""Sell-in lines and collections from the ERP (API and file import): set-based writes
that mark the touched (month, dealer) summaries stale in the same transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core import events
from dealerhub.core.bulk import CREATED, UPDATED, Batch
from dealers.models import Dealer

from ..models import Collection, Product, SellInLine
from ..rules import month_of, standard_units
from .partitions import partition_months
from .summaries import backlog_add

DEALER_BY_CODE = (Dealer.objects, "external_code", "market__territory__path")


def _resolve_dealers(batch: Batch, *, required_on_create: str) -> None:
    """Dealer codes → ids within the caller's territories, and with them the market and
    territory path the facts are scoped and summed by."""
    batch.resolve(
        "dealer",
        *DEALER_BY_CODE,
        message=_("No dealer has the code %(code)s."),
        required_on_create=required_on_create,
    )
    ids = {row["dealer"] for _index, row in batch.pending() if "dealer" in row}
    where = {
        pk: (market_id, path)
        for pk, market_id, path in Dealer.objects.filter(pk__in=ids).values_list(
            "pk", "market_id", "market__territory__path"
        )
    }
    for _index, row in batch.pending():
        if "dealer" in row:
            row["market"], row["territory_path"] = where[row["dealer"]]


def _touched(batch: Batch, keys: dict[int, set]) -> set[tuple[datetime.date, int]]:
    """The summary keys of the records that were written (created or updated)."""
    written = {CREATED, UPDATED}
    return {
        key
        for index, record_keys in keys.items()
        if batch.results[index]["status"] in written
        for key in record_keys
    }


def sell_in_lines_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert sell-in lines pushed by an ERP: one result per record, in order.

    A line is identified by its ERP line id within its month (the partition key): a
    line's date may change within its month; moving it to another month is refused
    (delete it, then send it again). Standard units are quantity × the SKU's factor.
    """
    batch = Batch(records, allowed_paths=allowed_paths)
    stored = batch.check_stored(
        SellInLine.objects,
        path="territory_path",
        values=("month", "dealer_id", "product_id", "quantity"),
    )
    open_months = partition_months()
    for index, row in batch.pending():
        current = stored.get(row["external_code"])
        if "date" not in row:
            # Only a stored line is validated partially; a new one without a date failed.
            row["month"] = stored[row["external_code"]]["month"]
            continue
        month = month_of(row["date"])
        if current is not None and current["month"] != month:
            batch.fail(
                index,
                {
                    "date": [
                        _(
                            "This line is booked in %(month)s; a line cannot move to another "
                            "month: delete it, then send it again."
                        )
                        % {"month": current["month"].strftime("%Y-%m")}
                    ]
                },
            )
        elif month not in open_months:
            batch.fail(
                index,
                {
                    "date": [
                        _("Sell-in cannot be booked in %(month)s (%(first)s to %(last)s are open).")
                        % {
                            "month": month.strftime("%Y-%m"),
                            "first": min(open_months).strftime("%Y-%m"),
                            "last": max(open_months).strftime("%Y-%m"),
                        }
                    ]
                },
            )
        else:
            row["month"] = month
    _resolve_dealers(batch, required_on_create=_("A new line needs its dealer."))

    codes = {row["product"] for _index, row in batch.pending() if "product" in row}
    stored_ids = {current["product_id"] for current in stored.values()}
    products = {
        code: (pk, factor)
        for code, pk, factor in Product.objects.filter(external_code__in=codes).values_list(
            "external_code", "pk", "standard_factor"
        )
    }
    factors: dict[int, Decimal] = dict(
        Product.objects.filter(pk__in=stored_ids).values_list("pk", "standard_factor")
    )
    factors.update(products.values())
    keys: dict[int, set] = {}
    for index, row in batch.pending():
        current = stored.get(row["external_code"])
        if "product" in row:
            found = products.get(row["product"])
            if found is None:
                batch.fail(
                    index,
                    {"product": [_("No SKU has the code %(code)s.") % {"code": row["product"]}]},
                )
                continue
            row["product"] = found[0]
        elif current is None:
            batch.fail(index, {"product": [_("A new line needs its SKU.")]})
            continue
        before: dict = current or {}
        if "quantity" in row or "product" in row:
            quantity = row["quantity"] if "quantity" in row else before["quantity"]
            product_id = row["product"] if "product" in row else before["product_id"]
            row["standard_units"] = standard_units(quantity, factors[product_id])
        keys[index] = {(row["month"], row.get("dealer", before.get("dealer_id")))}
        if current is not None:
            keys[index].add((current["month"], current["dealer_id"]))
    batch.upsert(SellInLine, conflict=("month",))
    backlog_add(_touched(batch, keys))
    return batch.results


@transaction.atomic
def sell_in_line_delete(*, line: SellInLine) -> None:
    """Delete a line (e.g. to book it in another month); a tombstone tells the pullers."""
    events.record_deleted(
        resource="sell-in-lines",
        external_code=line.external_code,
        territory_path=line.territory_path,
    )
    SellInLine.objects.filter(pk=line.pk, month=line.month).delete()
    backlog_add([(line.month, line.dealer_id)])


def collections_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert collections (回款) pushed by an ERP: one result per record, in order."""
    batch = Batch(records, allowed_paths=allowed_paths)
    stored = batch.check_stored(
        Collection.objects, path="territory_path", values=("date", "dealer_id")
    )
    _resolve_dealers(batch, required_on_create=_("A new collection needs its dealer."))
    keys: dict[int, set] = {}
    for index, row in batch.pending():
        current = stored.get(row["external_code"])
        before: dict = current or {}
        day = row["date"] if "date" in row else before["date"]
        keys[index] = {(month_of(day), row.get("dealer", before.get("dealer_id")))}
        if current is not None:
            keys[index].add((month_of(current["date"]), current["dealer_id"]))
    batch.upsert(Collection)
    backlog_add(_touched(batch, keys))
    return batch.results


@transaction.atomic
def collection_delete(*, collection: Collection) -> None:
    events.record_deleted(
        resource="collections",
        external_code=collection.external_code,
        territory_path=collection.territory_path,
    )
    collection.delete()
    backlog_add([(month_of(collection.date), collection.dealer_id)])
