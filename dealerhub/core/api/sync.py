"""The ERP synchronisation contract: one write path that every synced resource inherits.

A resource subclasses :class:`SyncViewSet` and declares what is its own:

- ``sync_resource`` (its name in token scopes, tombstones and the contract test),
  ``queryset`` (scoped by ``for_user``), ``serializer_class`` (reads),
  ``write_serializer_class`` (one record; bulk records add the key field),
  ``writer_roles`` (who may write), and
- ``perform_upsert(key, data, instance)`` and ``perform_bulk(records)`` calling its
  service (and ``perform_destroy(instance)`` if it can be deleted).

The base owns the rest, in this order for ``PUT``/``PATCH``/``DELETE`` on one record:
scope (404) → permission (403) → an advisory lock on the key, then the row lock, then
``If-Match`` under the lock (412) → validation (400, per field) → the service →
201 / 200 (``unchanged`` writes nothing) → ``ETag`` on every read and write →
idempotency (:class:`IdempotencyMixin`) → the request log (``ScopedViewSetMixin``).

Updates are partial: fields a record leaves out keep their stored values, on ``PUT``
as in bulk. Concurrent creates of one key resolve to one create and updates (the
advisory lock serialises them), never a unique-violation 500.

Every concrete subclass is registered in :data:`REGISTRY`; the contract test runs
over all registered resources, so a new resource is under it by being declared.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers, status, viewsets
from rest_framework.response import Response

from .. import idempotency
from ..policies import has_role
from .viewsets import ScopedViewSetMixin

BULK_LIMIT = 1000
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CODE_PATTERN = r"[A-Za-z0-9_.\-]{1,64}"

#: sync_resource name → the viewset that serves it (filled by SyncViewSet subclasses).
REGISTRY: dict[str, type[SyncViewSet]] = {}

if TYPE_CHECKING:
    # What the mixins below are mixed into, so that their super() calls are checked.
    from rest_framework.views import APIView as _View
else:
    _View = object


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it (If-Match does not match).")
    default_code = "precondition_failed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


class BatchTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("A batch holds at most 1,000 records; nothing was applied.")
    default_code = "batch_too_large"


class _Replay(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, response: Response):
        self.response = response


def etag_for(obj) -> str:
    stamp = f"{obj.pk}:{obj.updated_at.isoformat()}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def lock_key(resource: str, key: str) -> None:
    """Serialise writers of one record (including its creation) until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{resource}:{key}"]
        )


class IdempotencyMixin(_View):
    """``Idempotency-Key`` on every write: a replay with the same key and body returns the
    stored response and applies nothing; the same key with another body is refused (422);
    concurrent requests with one key are serialised by the key's unique index, so only
    one applies. Mix in before the DRF view class."""

    idempotent_record = None

    def dispatch(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if request.method in UNSAFE_METHODS and key:
            # One transaction for the claim, the write and the stored response.
            with transaction.atomic():
                response = super().dispatch(request, *args, **kwargs)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                return response
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key")
        if request.method not in UNSAFE_METHODS or not key:
            return
        if not hasattr(self, request.method.lower()):
            return  # the route does not take this method: a 405, which claims no key
        if len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        fingerprint = idempotency.request_fingerprint(
            method=request.method, path=request.path, body=request.body
        )
        record, created = idempotency.claim(
            user=request.user,
            key=key,
            method=request.method,
            path=request.path,
            fingerprint=fingerprint,
        )
        if not created:
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            headers = dict(record.response_headers)
            content_type = headers.pop("Content-Type", None)
            replay = Response(
                record.response_body,
                status=record.status_code,
                headers={**headers, "Idempotent-Replayed": "true"},
                content_type=content_type,
            )
            raise _Replay(replay)
        self.idempotent_record = record

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = self.idempotent_record
        if record is not None and response.status_code < 500:
            headers = {k: v for k, v in response.items() if k in ("ETag", "Location")}
            if response.content_type:  # e.g. application/problem+json for stored errors
                headers["Content-Type"] = response.content_type
            idempotency.store(
                record=record,
                status_code=response.status_code,
                body=json.loads(json.dumps(response.data, default=str)),
                headers=headers,
            )
            self.idempotent_record = None
        return response


class ETagMixin:
    """``ETag`` on detail reads; ``If-Match`` checks for writes (412 when stale)."""

    def check_if_match(self, request, instance) -> None:
        expected = request.headers.get("If-Match")
        if not expected or expected.strip() == "*":
            return
        if instance is None or expected.strip() != etag_for(instance):
            raise PreconditionFailed()

    def with_etag(self, response: Response, instance) -> Response:
        response["ETag"] = etag_for(instance)
        return response


class SyncMixin(IdempotencyMixin, ETagMixin):
    """Idempotency and ETags for API views that are not record resources (e.g. actions)."""


class BulkRecords:
    """Parsing and validating a bulk body: at most :data:`BULK_LIMIT` records, each
    validated on its own; a record whose key is already stored is validated partially,
    so fields it leaves out keep their stored values."""

    @staticmethod
    def parse(payload) -> list:
        records = payload.get("records") if isinstance(payload, dict) else payload
        if not isinstance(records, list):
            raise exceptions.ValidationError({"records": [_("Send a list of records.")]})
        if len(records) > BULK_LIMIT:
            raise BatchTooLarge()
        return records

    @staticmethod
    def validate(items: list, serializer_class, *, key: str, stored_keys: set) -> list[dict]:
        """Returns, in order, each record's validated dict (with its key) or
        ``{key: …, "errors": {field: [messages]}}``.

        One serializer instance per mode: building one per record deep-copies its
        fields and costs more than the database write."""
        full, partial = serializer_class(), serializer_class(partial=True)
        records: list[dict] = []
        for item in items:
            code = item.get(key) if isinstance(item, dict) else None
            if not isinstance(item, dict):
                records.append(
                    {key: None, "errors": {"non_field_errors": [_("Each record is an object.")]}}
                )
                continue
            validator = partial if isinstance(code, str) and code in stored_keys else full
            try:
                data = dict(validator.run_validation(item))
            except exceptions.ValidationError as exc:
                detail = (
                    exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
                )
                records.append({key: code if isinstance(code, str) else None, "errors": detail})
                continue
            data.setdefault(key, code)  # the validated key (a code sent as 7 reads "7")
            records.append(data)
        return records


class SyncViewSet(SyncMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """The base of every synced resource; see the module docstring."""

    sync_resource: ClassVar[str]
    contract_name: ClassVar[str | None] = None  # the registry name, if not sync_resource
    write_serializer_class: type[serializers.BaseSerializer] | None = None
    bulk_record_serializer_class: type[serializers.BaseSerializer] | None = None
    writer_roles: tuple[str, ...] = ("hq", "manager", "erp")
    lookup_field = "external_code"
    key_field = "external_code"  # the key's name inside bulk records
    key_pattern = CODE_PATTERN  # what a key may look like (the detail route's pattern)
    parser_classes = [parsers.JSONParser]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("contract_name") or cls.__dict__.get("sync_resource")
        if name and getattr(cls, "schema", True) is not None:
            REGISTRY[name] = cls

    # --- hooks a resource implements ------------------------------------------------------

    def perform_upsert(self, key: str, data: dict, instance) -> tuple[object, str]:
        """Write one validated record; return (the record, an :class:`Outcome`).

        By default a single write is a batch of one, so PUT and bulk share one service
        and one set of rules."""
        (result,) = self.perform_bulk([{**data, self.key_field: key}])
        if result["status"] == Outcome.ERROR:
            raise exceptions.ValidationError(result["errors"])
        model = self.get_queryset().model
        return model._default_manager.get(**self.record_filter(key)), result["status"]

    def perform_bulk(self, records: list[dict]) -> list[dict]:
        """Write validated bulk records; return one result per record, in order."""
        raise NotImplementedError

    def perform_destroy(self, instance) -> None:
        # A dispatched request always has a method; the stubs allow None (a bare HttpRequest).
        raise exceptions.MethodNotAllowed(self.request.method)  # type: ignore[arg-type]

    def record_filter(self, key: str) -> dict:
        """Lookup of one record by its key in the model's (unscoped) manager."""
        return {self.lookup_field: key}

    # --- the write path -------------------------------------------------------------------

    def check_writer(self, user) -> None:
        if not has_role(user, *self.writer_roles):
            raise exceptions.PermissionDenied()

    def get_key(self) -> str:
        return self.kwargs[self.lookup_url_kwarg or self.lookup_field]

    def locked_instance(self, key: str):
        """Lock the key, then the row; 404 when the row exists outside the caller's scope."""
        lock_key(self.sync_resource, key)
        model = self.get_queryset().model
        instance = (
            model._default_manager.select_for_update(of=("self",))
            .filter(**self.record_filter(key))
            .first()
        )
        if instance is not None and not self.get_queryset().filter(pk=instance.pk).exists():
            raise Http404
        return instance

    def is_unchanged(self, instance, data: dict) -> bool:
        """Whether every sent value equals the stored one (codes of related records are
        left to the service, which resolves them)."""
        fields = {f.name: f for f in instance._meta.concrete_fields}
        return all(
            name in fields and not fields[name].is_relation and getattr(instance, name) == value
            for name, value in data.items()
        )

    def get_write_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        assert self.write_serializer_class is not None, (
            f"{type(self).__name__} should set write_serializer_class"
        )
        return self.write_serializer_class(*args, **kwargs)

    def read_back(self, instance):
        """The written record as the read serializer shows it (scoped, with its joins)."""
        return self.get_queryset().get(pk=instance.pk)

    def write(self, request, *, partial: bool):
        key = self.get_key()
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    instance = self.locked_instance(key)
                    self.check_writer(request.user)
                    self.check_if_match(request, instance)
                    body = self.get_write_serializer(
                        data=request.data, partial=partial or instance is not None
                    )
                    body.is_valid(raise_exception=True)
                    data = dict(body.validated_data)
                    if instance is not None and self.is_unchanged(instance, data):
                        obj, outcome = instance, Outcome.UNCHANGED  # nothing written
                    else:
                        obj, outcome = self.perform_upsert(key, data, instance)
                break
            except IntegrityError:
                # A bulk write created the same key between our lock and our insert:
                # once more, now as an update of the row it wrote.
                if attempt == 2:
                    raise
        obj = self.read_back(obj)
        response = Response(
            self.get_serializer(obj).data,
            status=status.HTTP_201_CREATED if outcome == Outcome.CREATED else status.HTTP_200_OK,
        )
        return self.with_etag(response, obj)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.with_etag(Response(self.get_serializer(instance).data), instance)

    def update(self, request, *args, **kwargs):
        return self.write(request, partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self.write(request, partial=True)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_instance(self.get_key())
            if instance is None:
                raise Http404
            self.check_writer(request.user)
            self.check_if_match(request, instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    # --- bulk -----------------------------------------------------------------------------

    # Annotations below say Sequence: in this class body `list` is the list action above.
    def stored_keys(self, keys: Sequence[str]) -> set[str]:
        model = self.get_queryset().model
        return set(
            model._default_manager.filter(**{f"{self.lookup_field}__in": keys}).values_list(
                self.lookup_field, flat=True
            )
        )

    def bulk(self, request, *args, **kwargs):
        self.check_writer(request.user)
        items = BulkRecords.parse(request.data)
        keys = [
            item[self.key_field]
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get(self.key_field), str)
            and re.fullmatch(self.key_pattern, item[self.key_field])
        ]
        records = BulkRecords.validate(
            items,
            self.bulk_record_serializer_class,
            key=self.key_field,
            stored_keys=self.stored_keys(keys),
        )
        with transaction.atomic():
            results = self.perform_bulk(records)
        return self.bulk_response(results)

    def bulk_response(self, results: Sequence[dict]) -> Response:
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return Response({"results": results, "counts": counts}, status=status.HTTP_200_OK)
