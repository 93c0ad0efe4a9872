"""The blacklist (黑名单): firms vetoed for reputation are remembered across markets, and
every candidate is screened against them the moment it is entered (form, API, bulk)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..blacklist import KEY_NAMES, Keys, matched_keys
from ..choices import BlacklistKind, MatchStatus
from ..models import BlacklistEntry, BlacklistMatch, Candidate, CandidateKeys, Dealer

_KEY_FIELDS = {name: f"{name}_key" for name in KEY_NAMES}


def _key_fields(keys: Keys) -> dict[str, str]:
    return {_KEY_FIELDS[name]: value for name, value in keys.as_dict().items()}


def _keys_of(row) -> Keys:
    return Keys(*(getattr(row, _KEY_FIELDS[name]) for name in KEY_NAMES))


def _any_key(keys_by_name: dict[str, set[str]]) -> Q | None:
    condition = None
    for name, values in keys_by_name.items():
        values = values - {""}
        if values:
            clause = Q(**{f"{_KEY_FIELDS[name]}__in": sorted(values)})
            condition = clause if condition is None else condition | clause
    return condition


def _record_matches(pairs: Iterable[tuple[int, int, list[str]]]) -> int:
    """Record (candidate, entry, keys) pairs; a pair seen before keeps its status (a
    cleared match stays cleared) and gets the keys it matches on now."""
    matches = [
        BlacklistMatch(candidate_id=candidate_id, entry_id=entry_id, matched_keys=keys)
        for candidate_id, entry_id, keys in pairs
    ]
    if matches:
        BlacklistMatch.objects.bulk_create(
            matches,
            update_conflicts=True,
            unique_fields=["candidate", "entry"],
            update_fields=["matched_keys"],
        )
    return len(matches)


@transaction.atomic
def blacklist_screen_candidates(*, external_codes: Collection[str]) -> int:
    """Screen candidates against the blacklist; returns how many (candidate, entry) pairs
    match. Set-based: four queries whatever the batch size (read the candidates, store
    their keys, find entries sharing any key, record the matches).

    A match never blocks the save (the manager decides), and it is never removed when
    the candidate's details change later: a vetoed firm must not shed the flag by
    editing its phone. Only HQ clears a match (:func:`blacklist_match_clear`).
    """
    if not external_codes:
        return 0
    keys = {
        pk: Keys.of(legal_entity=legal_entity, owner=owner, phone=phone)
        for pk, legal_entity, owner, phone in Candidate.objects.filter(
            external_code__in=list(external_codes)
        ).values_list("pk", "legal_entity", "owner_name", "contact_phone")
    }
    if not keys:
        return 0
    CandidateKeys.objects.bulk_create(
        [CandidateKeys(candidate_id=pk, **_key_fields(k)) for pk, k in keys.items()],
        update_conflicts=True,
        unique_fields=["candidate"],
        update_fields=list(_KEY_FIELDS.values()),
    )
    wanted: dict[str, set[str]] = defaultdict(set)
    for k in keys.values():
        for name, value in k.present().items():
            wanted[name].add(value)
    condition = _any_key(wanted)
    if condition is None:
        return 0
    # Index the (few) entries sharing a key by key value, so each candidate looks up
    # only its own keys.
    entries_by_key: dict[tuple[str, str], list[tuple[int, int | None, Keys]]] = defaultdict(list)
    for entry in BlacklistEntry.objects.filter(condition).only(
        "pk", "candidate_id", *_KEY_FIELDS.values()
    ):
        entry_keys = _keys_of(entry)
        for name, value in entry_keys.present().items():
            entries_by_key[(name, value)].append((entry.pk, entry.candidate_id, entry_keys))
    pairs = []
    for candidate_id, candidate_keys in keys.items():
        seen: set[int] = set()
        for name, value in candidate_keys.present().items():
            for entry_id, source_id, entry_keys in entries_by_key.get((name, value), []):
                if entry_id in seen or source_id == candidate_id:
                    continue  # a vetoed candidate is not flagged by its own veto
                seen.add(entry_id)
                pairs.append((candidate_id, entry_id, matched_keys(candidate_keys, entry_keys)))
    return _record_matches(pairs)


def _match_existing(entry: BlacklistEntry) -> int:
    """Flag the candidates already entered elsewhere that share a key with a new veto."""
    entry_keys = _keys_of(entry)
    condition = _any_key({name: {value} for name, value in entry_keys.present().items()})
    if condition is None:
        return 0
    rows = CandidateKeys.objects.filter(condition)
    if entry.candidate_id is not None:
        rows = rows.exclude(candidate_id=entry.candidate_id)
    return _record_matches(
        (row.candidate_id, entry.pk, matched_keys(_keys_of(row), entry_keys)) for row in rows
    )


def _save_entry(
    entry: BlacklistEntry,
    *,
    kind: str,
    keys: Keys,
    red_flags: Iterable[str],
    reputation_score: Decimal | None,
    note: str,
    user,
) -> BlacklistEntry:
    entry.kind = kind
    for name, value in _key_fields(keys).items():
        setattr(entry, name, value)
    entry.red_flags = sorted({*entry.red_flags, *red_flags})
    if reputation_score is not None:
        entry.reputation_score = reputation_score
    if note.strip():
        entry.note = note.strip()
    if user is not None and user.is_authenticated:
        entry.recorded_by = user
    entry.full_clean()
    entry.save()
    _match_existing(entry)
    return entry


@transaction.atomic
def blacklist_record_candidate(
    *,
    candidate_id: int,
    kind: str,
    user=None,
    note: str = "",
    red_flags: Iterable[str] = (),
    reputation_score: Decimal | None = None,
) -> BlacklistEntry:
    """Remember a candidate vetoed for reputation (rejected for reputation, a scorecard
    decision `reject`, a confirmed red flag or diversion case).

    One entry per vetoed candidate: a later veto refreshes its details and adds its red
    flags. Candidates already entered elsewhere with a shared key are flagged now.
    Callers hold the candidate's row lock (the services that veto take it first).
    """
    candidate = Candidate.objects.get(pk=candidate_id)
    entry = BlacklistEntry.objects.select_for_update().filter(candidate=candidate).first()
    if entry is None:
        entry = BlacklistEntry(candidate=candidate)
    entry.market_id = candidate.market_id
    entry.firm_name = candidate.name
    entry.legal_entity = candidate.legal_entity
    entry.owner_name = candidate.owner_name
    entry.phone = candidate.contact_phone
    return _save_entry(
        entry,
        kind=kind,
        keys=Keys.of(
            legal_entity=candidate.legal_entity,
            owner=candidate.owner_name,
            phone=candidate.contact_phone,
        ),
        red_flags=red_flags,
        reputation_score=reputation_score,
        note=note,
        user=user,
    )


@transaction.atomic
def blacklist_record_dealer_case(
    *, dealer_id: int, flag: str, note: str = "", user=None
) -> BlacklistEntry:
    """A confirmed diversion (冲货) or price-dumping case against a dealer (50-operations.md).

    A dealer signed in DealerHub gets the red flag on its candidate (which re-scores it
    and blacklists it); a dealer the ERP pushed without a candidate is blacklisted by its
    legal name and phone.
    """
    from .candidates import candidate_add_red_flag  # candidates imports this module

    dealer = Dealer.objects.select_for_update().get(pk=dealer_id)
    if dealer.candidate_id is not None:
        candidate_add_red_flag(
            candidate_id=dealer.candidate_id,
            flag=flag,
            note=note,
            user=user,
            kind=BlacklistKind.DIVERSION_CASE,
        )
        return BlacklistEntry.objects.get(candidate_id=dealer.candidate_id)
    entry = BlacklistEntry.objects.select_for_update().filter(dealer=dealer).first() or (
        BlacklistEntry(dealer=dealer)
    )
    entry.market_id = dealer.market_id
    entry.firm_name = dealer.name
    entry.legal_entity = dealer.legal_name
    entry.phone = dealer.contact_phone
    return _save_entry(
        entry,
        kind=BlacklistKind.DIVERSION_CASE,
        keys=Keys.of(legal_entity=dealer.legal_name, owner="", phone=dealer.contact_phone),
        red_flags=[flag],
        reputation_score=None,
        note=note,
        user=user,
    )


@transaction.atomic
def blacklist_match_clear(*, match_id: int, user, reason: str) -> BlacklistMatch:
    """HQ clears a false match with a written reason (kept on the match and its history)."""
    if not policies.can_clear_blacklist_match(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this is a false match.")})
    match = BlacklistMatch.objects.select_for_update().get(pk=match_id)
    if match.status == MatchStatus.CLEARED:
        raise ValidationError({"reason": _("This match has already been cleared.")})
    match.status = MatchStatus.CLEARED
    match.cleared_by = user
    match.cleared_at = timezone.now()
    match.clear_reason = reason
    match.full_clean()
    match.save()
    return match
