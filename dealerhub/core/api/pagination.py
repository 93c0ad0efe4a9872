"""Keyset pagination for every API list: an opaque cursor over (updated_at, id).

Each page continues strictly after the last row seen, so no row is skipped or
repeated when other rows are written between pages (a row that is itself changed
moves to the end and is served again: it is a new change). DRF's own cursor
pagination keeps an offset among equal timestamps, which can skip under writes.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .serializers import ASCII_INTEGER


class SyncCursorPagination(BasePagination):
    page_size = 50
    max_page_size = 1000
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def _fields(self, queryset) -> tuple[str, str]:
        names = {field.name for field in queryset.model._meta.concrete_fields}
        return ("updated_at" if "updated_at" in names else "id"), "id"

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty, like every optional query parameter
            return self.page_size
        if not ASCII_INTEGER.fullmatch(raw):
            raise exceptions.ValidationError({"page_size": [_("A whole number, please.")]})
        size = int(raw)
        return max(1, min(size, self.max_page_size))

    def _decode(self, raw: str, key_field: str) -> tuple[object, int]:
        """Read a cursor we issued; anything else is a clear 404, never a database error."""
        key: int | datetime  # the id, or the timestamp the list is ordered by
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
            pk = int(data["i"])
            if not 0 <= pk < 2**63:
                raise ValueError(pk)
            if key_field == "id":
                key = int(data["k"])
                if not 0 <= key < 2**63:
                    raise ValueError(key)
            else:
                key = datetime.fromisoformat(data["k"])
                if key.tzinfo is None:
                    raise ValueError(key)
                key = key.astimezone(UTC)
        except (ValueError, KeyError, TypeError, OverflowError, binascii.Error) as exc:
            raise exceptions.NotFound(_("Invalid cursor.")) from exc
        return key, pk

    def _encode(self, key, pk: int) -> str:
        key = key.isoformat() if isinstance(key, datetime) else key
        payload = json.dumps({"k": key, "i": pk}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload).decode()

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        key_field, id_field = self._fields(queryset)
        self.key_field = key_field
        size = self._page_size(request)
        queryset = queryset.order_by(key_field, id_field)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            key, pk = self._decode(raw, key_field)
            queryset = queryset.filter(
                Q(**{f"{key_field}__gt": key}) | Q(**{key_field: key, f"{id_field}__gt": pk})
            )
        rows = list(queryset[: size + 1])
        self.has_next = len(rows) > size
        self.page = rows[:size]
        return self.page

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        last = self.page[-1]
        if isinstance(last, dict):  # lists served from .values() for speed
            cursor = self._encode(last[self.key_field], last["id"])
        else:
            cursor = self._encode(getattr(last, self.key_field), last.pk)
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, cursor
        )

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": None, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Rows per page, {self.page_size} by default; larger values are served "
                    f"as {self.max_page_size}, smaller ones as 1."
                ),
                "schema": {"type": "integer"},
            },
        ]
