"""The audit trail (django-pghistory): one way to track a model, one way to read it.

Every business model is decorated with :func:`tracked`; a model whose derived columns
change often (scores) passes ``only=`` the fields people enter, so recomputes do not
flood its history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from pghistory.models import Events


def tracked(*, only: tuple[str, ...] | None = None, updates: bool = True, deletes: bool = True):
    """The audit decorator: inserts, updates (of ``only`` these fields, if given) and
    deletes; an append-only log passes ``updates=False, deletes=False``. Fresh trackers
    each call: pghistory binds them to one model."""
    events: list[pghistory.RowEvent] = [pghistory.InsertEvent()]
    if updates:
        events.append(
            pghistory.UpdateEvent(condition=pghistory.AnyChange(*only))
            if only
            else pghistory.UpdateEvent()
        )
    if deletes:
        events.append(pghistory.DeleteEvent())
    return pghistory.track(*events)


HIDDEN_FIELDS = {"password", "path", "depth", "updated_at", "created_at"}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, object, object]]


def history_for(obj, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed the record, when, and each field's old and new value, newest first."""
    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {event.pgh_context.get("user") for event in events if event.pgh_context} - {None}
    names: dict[int | None, str] = {
        user.pk: str(user) for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    labels = {field.name: str(field.verbose_name) for field in obj._meta.fields}
    labels.update({field.attname: str(field.verbose_name) for field in obj._meta.fields})
    # A field with choices shows its words (a stage change reads 初步接触 → 筛选, not codes).
    choices = {field.name: dict(field.flatchoices) for field in obj._meta.fields if field.choices}

    def shown(name: str, value: object) -> object:
        if name in choices and isinstance(value, str | int) and value in choices[name]:
            return choices[name][value]
        return value

    entries = []
    for event in events:
        context: dict[str, Any] = event.pgh_context or {}
        diff = event.pgh_diff or {}
        changes = [
            (labels.get(name, name), shown(name, values[0]), shown(name, values[1]))
            for name, values in sorted(diff.items())
            if name not in HIDDEN_FIELDS
        ]
        if event.pgh_label == "update" and not changes:
            continue
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                who=names.get(context.get("user"), "—" if not context.get("user") else "?"),
                action=event.pgh_label,
                changes=changes,
            )
        )
    return entries
