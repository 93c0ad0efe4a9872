"""Products (SKUs): the ERP pushes them; HQ edits them."""

from __future__ import annotations

from django.db import transaction

from dealerhub.core.bulk import Batch
from dealerhub.core.concurrency import refuse_stale

from ..models import Product
from ..rules import margin_class_for


def products_upsert(*, records: list[dict]) -> list[dict]:
    """Upsert SKUs pushed by an ERP: one result per record, in order. A new SKU sent
    without a margin class gets the one its margin rate gives (``rules.margin_class_for``).
    Products are company-wide: no territory applies."""
    batch = Batch(records, allowed_paths=None)
    stored = batch.check_stored(Product.objects, path="external_code")
    for _index, row in batch.pending():
        if row["external_code"] not in stored and not row.get("margin_class"):
            row["margin_class"] = margin_class_for(
                list_price=row["list_price"], unit_margin=row["unit_margin"]
            )
    batch.upsert(Product)
    return batch.results


@transaction.atomic
def product_save(*, product_id: int | None, values: dict, expected_updated_at=None) -> Product:
    """Create or edit a SKU from HQ's form (a stale edit is refused)."""
    if product_id is None:
        product = Product()
    else:
        product = Product.objects.select_for_update().get(pk=product_id)
        refuse_stale(product.updated_at, expected_updated_at)
    for name, value in values.items():
        setattr(product, name, value)
    if not product.margin_class:
        product.margin_class = margin_class_for(
            list_price=product.list_price, unit_margin=product.unit_margin
        )
    product.full_clean()
    product.save()
    return product
