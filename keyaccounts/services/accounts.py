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
    *,
    external_code: str,
    data: Mapping[str, object],
    territory: Territory | None = None,
    national: bool = False,
) -> KeyAccount:
    """Create or update an account by its external code (the ERP's key).

    A new account without a home territory is refused unless ``national`` (the caller
    sees every territory, see ``policies.may_hold_national``): it is then a national one.
    """
    account = KeyAccount.objects.select_for_update().filter(external_code=external_code).first()
    if account is None:
        if territory is None and not national:
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

    A caller that sees every territory (``allowed_paths`` None) may leave `territory`
    out of a new record, or send null, for a national account. A territory-scoped caller
    must give a territory in its scope and cannot change a national account.
    """

    batch = Batch(records, allowed_paths=allowed_paths)
    if allowed_paths is not None:
        _refuse_national(batch, allowed_paths)
    batch.check_stored(KeyAccount.objects, path="territory__path")
    scoped_territory = _("Give a home territory in your scope: only HQ keeps national accounts.")
    for index, row in batch.pending():
        for name in KeyAccount.PROFILE_FIELDS:
            if name in row and row[name] is None:
                row[name] = ""
        if allowed_paths is not None and "territory" in row and row["territory"] is None:
            batch.fail(index, {"territory": [scoped_territory]})
    batch.resolve(
        "territory",
        *market_selectors.TERRITORY_BY_CODE,
        message=_("No territory has the code %(code)s."),
        required_on_create=scoped_territory if allowed_paths is not None else None,
    )
    batch.upsert(KeyAccount)
    return batch.results


def _refuse_national(batch: Batch, allowed_paths: list[str]) -> None:
    """Fail the records of stored national accounts: not found out of the caller's scope,
    not allowed in it (a store of the chain is in its territories)."""
    national = set(
        KeyAccount.objects.filter(
            external_code__in=batch.keys(), territory__isnull=True
        ).values_list("external_code", flat=True)
    )
    if not national:
        return
    visible = set(
        KeyAccount.objects.filter(external_code__in=national)
        .within_paths(allowed_paths)
        .values_list("external_code", flat=True)
    )
    for index, row in batch.pending():
        code = row[batch.key]
        if code in visible:
            batch.fail(
                index,
                {batch.key: [_("Only HQ or an all-territory client changes a national account.")]},
            )
        elif code in national:
            batch.fail(index, {batch.key: [_("Not found.")]})
