"""Key accounts and their records: profile, trade terms, contacts, listings, store cards
and yearly figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core.bulk import Batch
from dealerhub.core.concurrency import refuse_stale
from markets import selectors as market_selectors
from markets.models import Territory

from ..models import (
    AccountYear,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    SkuListing,
    TradeTerms,
)


@transaction.atomic
def account_upsert(
    *, external_code: str, data: Mapping[str, object], territory: Territory | None = None
) -> KeyAccount:
    """Create or update an account by its external code (the ERP's key)."""
    account = KeyAccount.objects.select_for_update().filter(external_code=external_code).first()
    if account is None:
        if territory is None:
            raise ValidationError({"territory": _("A new key account needs its home territory.")})
        account = KeyAccount(external_code=external_code)
    if territory is not None:
        account.territory = territory
    for name in KeyAccount.PROFILE_FIELDS:
        if name in data:
            setattr(account, name, data[name] if data[name] is not None else "")
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_update_profile(
    *, account_id: int, expected_updated_at, data: Mapping[str, object]
) -> KeyAccount:
    """Update the profile from the edit form, refusing to overwrite a newer edit."""
    account = KeyAccount.objects.select_for_update().get(pk=account_id)
    refuse_stale(account.updated_at, expected_updated_at)
    for name in (*KeyAccount.PROFILE_FIELDS, "rep"):
        if name in data:
            setattr(account, name, data[name])
    account.full_clean()
    account.save()
    return account


def _save_account_record(*, instance, account: KeyAccount, expected_updated_at=None):
    """Attach a record to its account and save it, refusing to overwrite a newer edit."""
    model = type(instance)
    if instance.pk:
        current = (
            model.objects.select_for_update()
            .filter(pk=instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        refuse_stale(current, expected_updated_at)
    instance.account = account
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def trade_terms_save(*, terms: TradeTerms, account: KeyAccount, expected_updated_at=None):
    return _save_account_record(
        instance=terms, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def contact_save(*, contact: Contact, account: KeyAccount, expected_updated_at=None):
    if contact.reports_to is not None and contact.reports_to.account_id != account.pk:
        raise ValidationError({"reports_to": _("Choose a contact of the same account.")})
    # A reporting line must not loop back to this contact.
    boss = contact.reports_to
    while contact.pk and boss is not None:
        if boss.pk == contact.pk:
            raise ValidationError({"reports_to": _("This reporting line would form a loop.")})
        boss = boss.reports_to
    return _save_account_record(
        instance=contact, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def sku_listing_save(*, listing: SkuListing, account: KeyAccount, expected_updated_at=None):
    return _save_account_record(
        instance=listing, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def outlet_card_save(*, card: OutletCard, account: KeyAccount, expected_updated_at=None):
    if card.outlet.kind != "ka_store":
        raise ValidationError({"outlet": _("Only KA stores get a store record card.")})
    return _save_account_record(
        instance=card, account=account, expected_updated_at=expected_updated_at
    )


@transaction.atomic
def account_years_save(*, account: KeyAccount, years: Iterable[AccountYear]) -> int:
    """Save the yearly figures table (one row per year)."""
    saved = 0
    for row in years:
        _save_account_record(instance=row, account=account)
        saved += 1
    return saved


@transaction.atomic
def comparisons_save(*, account: KeyAccount, rows: Iterable[CompetitorComparison]) -> int:
    """Save the us vs competitor 1 vs competitor 2 table."""
    saved = 0
    for row in rows:
        _save_account_record(instance=row, account=account)
        saved += 1
    return saved


def accounts_bulk_upsert(*, records: list[dict], allowed_paths: list[str] | None) -> list[dict]:
    """Upsert key accounts pushed by an ERP (PUT or bulk): one result per record, in order.

    A record holds `external_code`, the profile fields it sends and, to create or move
    an account, `territory` (home territory code). Fields a record leaves out keep
    their stored values; the write is set-based (`dealerhub.core.bulk.Batch`).
    """

    batch = Batch(records, allowed_paths=allowed_paths)
    batch.check_stored(KeyAccount.objects, path="territory__path")
    for _index, row in batch.pending():
        for name in KeyAccount.PROFILE_FIELDS:
            if name in row and row[name] is None:
                row[name] = ""
    batch.resolve(
        "territory",
        *market_selectors.TERRITORY_BY_CODE,
        message=_("No territory has the code %(code)s."),
        required_on_create=_("A new key account needs its home territory."),
    )
    batch.upsert(KeyAccount)
    return batch.results
