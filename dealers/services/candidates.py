"""Candidates and dealers as records: upserts (form, API, ERP bulk), red flags, deletion,
the objection playbook."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealerhub.core import events
from dealerhub.core.bulk import CREATED, UPDATED, Batch
from dealerhub.core.concurrency import refuse_stale
from markets import selectors as market_selectors

from .. import policies
from ..choices import (
    BlacklistKind,
    RedFlag,
)
from ..models import (
    Candidate,
    Dealer,
    ObjectionAnswer,
    StageChange,
)
from .blacklist import blacklist_record_candidate, blacklist_screen_candidates
from .recompute import recompute_candidate, recompute_market


def _refuse_stale(instance, expected_updated_at) -> None:
    refuse_stale(instance.updated_at, expected_updated_at)


@transaction.atomic
def candidate_upsert(
    *, external_code: str, values: dict, user=None, expected_updated_at=None
) -> Candidate:
    """Create or update a candidate by its external code; capacity changes re-score it."""
    candidate = Candidate.objects.select_for_update().filter(external_code=external_code).first()
    created = candidate is None
    if candidate is None:
        candidate = Candidate(
            external_code=external_code, owner_rep=user if policies.is_rep(user) else None
        )
        candidate.stage_changed_at = timezone.now()
    else:
        _refuse_stale(candidate, expected_updated_at)
    before = {name: getattr(candidate, name) for name in Candidate.CAPACITY_FIELDS}
    market_changed = False
    for name, value in values.items():
        if name == "market" and not created and value.pk != candidate.market_id:
            market_changed = True
        setattr(candidate, name, value)
    candidate.full_clean()
    candidate.save()
    if created:
        StageChange.objects.create(
            candidate=candidate,
            from_stage="",
            to_stage=candidate.stage,
            by=user,
            reason=_("Recorded (source: %(source)s)") % {"source": candidate.get_source_display()},
        )
    elif market_changed or any(
        getattr(candidate, n) != before[n] for n in Candidate.CAPACITY_FIELDS
    ):
        recompute_candidate(candidate_id=candidate.pk)
    blacklist_screen_candidates(external_codes=[candidate.external_code])
    return candidate


def candidate_add_red_flag(
    *,
    candidate_id: int,
    flag: str,
    note: str = "",
    user=None,
    kind: str = BlacklistKind.RED_FLAG,
) -> Candidate:
    """A confirmed diversion / price-dumping case adds the red flag to the dealer's reputation.

    The reputation gate then rejects its evaluations (re-scored here), and the firm goes
    on the blacklist with the flag and ``note`` (e.g. the case reference) as evidence.
    """
    if flag not in RedFlag.values:
        raise ValidationError({"flag": _("Unknown red flag %(flag)s.") % {"flag": flag}})
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
        if flag not in candidate.confirmed_red_flags:
            candidate.confirmed_red_flags = [*candidate.confirmed_red_flags, flag]
            candidate.save(update_fields=["confirmed_red_flags", "updated_at"])
            recompute_candidate(candidate_id=candidate.pk)
        blacklist_record_candidate(
            candidate_id=candidate.pk, kind=kind, user=user, note=note, red_flags=[flag]
        )
    return candidate


@transaction.atomic
def objection_update(*, objection_id: int, heading: str, answer: str, expected_updated_at=None):
    item = ObjectionAnswer.objects.select_for_update().get(pk=objection_id)
    _refuse_stale(item, expected_updated_at)
    item.heading = heading
    item.answer = answer
    item.full_clean()
    item.save()
    return item


def dealers_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert dealers pushed by an ERP: one result per record, in order.

    Each record is a dict of validated fields with `external_code` and, to create or
    move a dealer, `market` (the market territory's code), or {"errors": …} when its own
    validation failed. Markets are resolved in the caller's scope in one query; the
    write is set-based (`dealerhub.core.bulk.Batch`), unchanged rows untouched and
    fields a record leaves out kept.
    """

    batch = Batch(records, allowed_paths=allowed_paths)
    batch.check_stored(Dealer.objects, path="market__territory__path")
    batch.resolve(
        "market",
        *market_selectors.MARKET_BY_CODE,
        message=_("No market has the code %(code)s."),
        required_on_create=_("A new dealer needs its market."),
    )
    batch.upsert(Dealer)
    return batch.results


@transaction.atomic
def dealer_delete(*, dealer: Dealer) -> None:
    """Delete a dealer and leave a tombstone so incremental pulls see the deletion."""
    events.record_deleted(
        resource="dealers",
        external_code=dealer.external_code,
        territory_path=dealer.market.territory.path,
    )
    dealer.delete()


def candidates_bulk_upsert(
    *, records: list[dict], allowed_paths: list[str] | None, user=None
) -> list[dict]:
    """Upsert candidates pushed by an ERP (PUT or bulk): one result per record, in order.

    Like ``candidate_upsert`` for each record: a new candidate starts its stage history
    (a rep who records it owns it), and candidates whose market or capacity changed are
    re-scored (one recompute job per affected market, after commit). Fields a record
    leaves out keep their values.
    """

    batch = Batch(records, allowed_paths=allowed_paths)
    stored = batch.check_stored(
        Candidate.objects,
        path="market__territory__path",
        values=("market_id", *Candidate.CAPACITY_FIELDS),
    )
    unopened = market_selectors.unopened_territory_codes(
        codes={row.get("market") for _index, row in batch.pending()}, allowed_paths=allowed_paths
    )
    for index, row in batch.pending():
        if row.get("market") in unopened:
            message = _("No market is open in %(code)s yet: a manager must open it first.")
            batch.fail(index, {"market": [message % {"code": row["market"]}]})
    batch.resolve(
        "market",
        *market_selectors.MARKET_BY_CODE,
        message=_("No market has the code %(code)s."),
        required_on_create=_("A new candidate needs its market."),
    )
    sent = {row["external_code"]: row for _index, row in batch.pending()}
    batch.upsert(Candidate)
    results = batch.results
    rescore: set[int] = set()
    for result in results:
        if result["status"] != UPDATED:
            continue
        before, after = stored[result["external_code"]], sent[result["external_code"]]
        if after.get("market", before["market_id"]) != before["market_id"] or any(
            name in after and after[name] != before[name] for name in Candidate.CAPACITY_FIELDS
        ):
            rescore.update({before["market_id"], after.get("market", before["market_id"])})
    created = [r["external_code"] for r in results if r["status"] == CREATED]
    if created:
        now = timezone.now()
        new = list(Candidate.objects.filter(external_code__in=created))
        owner = {"owner_rep": user} if policies.is_rep(user) else {}
        Candidate.objects.filter(pk__in=[c.pk for c in new]).update(stage_changed_at=now, **owner)
        StageChange.objects.bulk_create(
            StageChange(
                candidate=candidate,
                from_stage="",
                to_stage=candidate.stage,
                by=user,
                reason=_("Recorded (source: %(source)s)")
                % {"source": candidate.get_source_display()},
            )
            for candidate in new
        )
    for market_id in sorted(rescore):
        recompute_market(market_id=market_id)
    # One screening for the whole batch (a constant number of queries).
    blacklist_screen_candidates(
        external_codes=[r["external_code"] for r in results if r["status"] in (CREATED, UPDATED)]
    )
    return results
