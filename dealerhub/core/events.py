"""Domain events that ERPs can follow, told upward through hooks.

Domain services call :func:`publish` (inside their transaction) when something an
ERP may subscribe to happens, and :func:`record_deleted` when a synced record is
deleted. The integrations app connects to both (webhook deliveries, tombstones for
the changes feed); the domain apps never import it.
"""

from __future__ import annotations

from .hooks import Hook

DEALER_SIGNED = "dealer.signed"
EVALUATION_DECISION_CHANGED = "evaluation.decision_changed"
KA_QUADRANT_CHANGED = "key_account.quadrant_changed"
PROMOTION_APPROVED = "promotion.approved"
DIVERSION_CASE_CONFIRMED = "diversion_case.confirmed"

event_published = Hook(
    "event_published",
    doc="kwargs: event (one of the names above), data (JSON-ready dict), territory_path.",
)
deleted = Hook(
    "record_deleted",
    doc="kwargs: resource (sync resource name), external_code, territory_path.",
)


def publish(*, event: str, data: dict, territory_path: str) -> None:
    event_published.send(event=event, data=data, territory_path=territory_path)


def record_deleted(*, resource: str, external_code: str, territory_path: str) -> None:
    deleted.send(resource=resource, external_code=external_code, territory_path=territory_path)
