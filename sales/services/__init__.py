"""Writes for products and actuals. Views, the API, imports and tasks call these."""

from .actuals import (
    collection_delete,
    collections_upsert,
    sell_in_line_delete,
    sell_in_lines_upsert,
)
from .imports import ImportReport, actuals_import
from .partitions import partition_months, partitions_ensure
from .products import product_save, products_upsert
from .summaries import backlog_add, summaries_recheck, summaries_refresh

__all__ = [
    "ImportReport",
    "actuals_import",
    "backlog_add",
    "collection_delete",
    "collections_upsert",
    "partition_months",
    "partitions_ensure",
    "product_save",
    "products_upsert",
    "sell_in_line_delete",
    "sell_in_lines_upsert",
    "summaries_recheck",
    "summaries_refresh",
]
