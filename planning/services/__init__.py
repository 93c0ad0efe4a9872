"""Writes of targets: one write path (``targets_write``) for the grid, imports and the API."""

from .plans import plan_approve, plan_propose, regional_figure_set
from .targets import (
    Cell,
    grid_save,
    targets_bulk_upsert,
    targets_export_xlsx,
    targets_import,
    targets_write,
)

__all__ = [
    "Cell",
    "grid_save",
    "plan_approve",
    "plan_propose",
    "regional_figure_set",
    "targets_bulk_upsert",
    "targets_export_xlsx",
    "targets_import",
    "targets_write",
]
