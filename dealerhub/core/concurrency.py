"""Stale-edit detection for forms: the one check every edit service uses.

A form carries the record's ``updated_at`` as it was when the user opened it; the
service locks the row and calls :func:`refuse_stale` before writing. The API's
equivalent is ``If-Match`` (``dealerhub.core.api.sync``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleEditError(ValidationError):
    """The record changed since the user opened it; their edit was not applied."""


def refuse_stale(current_updated_at, expected_updated_at) -> None:
    """Raise :class:`StaleEditError` when the stored version is not the one the user saw.

    ``current_updated_at`` is the locked row's ``updated_at`` (None for a new record);
    ``expected_updated_at`` None means the caller does not check (e.g. a first save).
    """
    if expected_updated_at is None or current_updated_at is None:
        return
    if current_updated_at != expected_updated_at:
        raise StaleEditError(
            _(
                "Someone else changed this record after you opened it. "
                "Reload the page to see their changes, then edit again."
            )
        )
