from django.db.models import Exists, OuterRef, Q, Subquery

from dealerhub.core.scoping import ScopedQuerySet


def account_within_paths(paths: list[str], account: str = "") -> Q:
    """Accounts (reached through ``account`` from the queried model) whose home territory
    lies under one of ``paths``, or national accounts with a store card there.

    An ``Exists`` subquery rather than a join through the cards, so an account with
    several stores in scope is still one row.
    """
    from .models import OutletCard

    prefix = f"{account}__" if account else ""
    home, stores = Q(), Q()
    for path in paths:
        home |= Q(**{f"{prefix}territory__path__startswith": path})
        stores |= Q(outlet__territory__path__startswith=path)
    has_store = Exists(OutletCard.objects.filter(stores, account=OuterRef(account or "pk")))
    return home | (Q(**{f"{prefix}territory__isnull": True}) & has_store)


class AccountScopedQuerySet(ScopedQuerySet):
    """Scoped by the account's home territory, or, for a national account, its stores."""

    account_field = ""  # the path from the model to its KeyAccount ("" for KeyAccount)

    def within_paths(self, paths: list[str]):
        if not paths:
            return self.none()
        return self.filter(account_within_paths(paths, self.account_field))


class KeyAccountQuerySet(AccountScopedQuerySet):
    territory_field = "territory"

    def with_latest_assessment(self):
        """Annotate the latest assessed year, its quadrant and scores (subqueries, no N+1)."""
        from .models import Assessment

        latest = Assessment.objects.filter(account=OuterRef("pk")).order_by("-year")
        return self.annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_quadrant=Subquery(latest.values("quadrant")[:1]),
            latest_attractiveness=Subquery(latest.values("attractiveness")[:1]),
            latest_supportiveness=Subquery(latest.values("supportiveness")[:1]),
        )


class AccountChildQuerySet(AccountScopedQuerySet):
    """Rows that belong to one key account are seen wherever the account is."""

    territory_field = "account__territory"
    account_field = "account"


class OutletYearQuerySet(AccountScopedQuerySet):
    territory_field = "card__account__territory"
    account_field = "card__account"
