"""The ERP synchronisation contract, shared by every synced resource.

A viewset mixes in :class:`SyncMixin`, names its ``sync_resource`` and implements
``sync_upsert(external_code, data) -> (obj, outcome)`` and ``bulk_apply(records)``.
The mixin adds:

- ``Idempotency-Key`` on every write: a replay with the same key and body returns the
  stored response and applies nothing; the same key with another body is refused (422);
  concurrent requests with one key are serialised by the key's unique index, so only
  one applies.
- ``ETag`` on detail responses and ``If-Match`` on PUT/PATCH (412 when stale).
- ``POST <resource>/bulk``: up to 1,000 records, one result per record, in order.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from integrations import services as integration_services

BULK_LIMIT = 1000
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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


class SyncMixin:
    """See the module docstring. Mix in before the DRF viewset class."""

    idempotent_record = None

    # --- idempotency ------------------------------------------------------------------------

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
        fingerprint = integration_services.request_fingerprint(
            method=request.method, path=request.path, body=request.body
        )
        record, created = integration_services.idempotency_claim(
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
            integration_services.idempotency_store(
                record=record,
                status_code=response.status_code,
                body=json.loads(json.dumps(response.data, default=str)),
                headers=headers,
            )
            self.idempotent_record = None
        return response

    # --- ETags ------------------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def check_if_match(self, request, instance) -> None:
        expected = request.headers.get("If-Match")
        if expected and instance is not None and expected.strip() not in ("*", etag_for(instance)):
            raise PreconditionFailed()

    # --- bulk -------------------------------------------------------------------------------

    def bulk_records(self, request) -> list:
        payload = request.data
        records = payload.get("records") if isinstance(payload, dict) else payload
        if not isinstance(records, list):
            raise exceptions.ValidationError({"records": [_("Send a list of records.")]})
        if len(records) > BULK_LIMIT:
            raise BatchTooLarge()
        return records

    def validated_bulk_records(self, request, serializer_class) -> list[dict]:
        """Validate each record with one serializer instance (building a serializer per
        record deep-copies its fields and costs more than the database write).

        Returns, in order, the validated dict of each record or
        ``{"external_code": …, "errors": {field: [messages]}}``.
        """
        validator = serializer_class()
        records = []
        for item in self.bulk_records(request):
            try:
                records.append(dict(validator.run_validation(item)))
            except exceptions.ValidationError as exc:
                code = item.get("external_code") if isinstance(item, dict) else None
                code = code if isinstance(code, str) else None  # echo codes, not junk
                detail = (
                    exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
                )
                records.append({"external_code": code, "errors": detail})
        return records

    def bulk_response(self, results: list[dict]) -> Response:
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        return Response({"results": results, "counts": counts}, status=status.HTTP_200_OK)
