"""Idempotency keys of the sync contract: claim, store, replay, purge."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.utils import timezone

from .models import IdempotencyRecord

KEY_LIFETIME = timedelta(hours=48)  # the contract promises at least 24 h


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def claim(*, user, key: str, method: str, path: str, fingerprint: str):
    """Claim a key inside the caller's transaction.

    Returns (record, created). A concurrent request with the same key blocks on the
    unique index until the first commits, then finds its stored outcome: the same key
    is never applied twice.
    """
    return IdempotencyRecord.objects.get_or_create(
        user=user,
        key=key,
        defaults={"method": method, "path": path, "request_hash": fingerprint},
    )


def store(*, record: IdempotencyRecord, status_code: int, body, headers: dict) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status_code, response_body=body, response_headers=headers
    )


def purge(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _counts = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
