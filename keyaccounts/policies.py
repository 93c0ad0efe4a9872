"""Who may do what with key accounts (see ``dealerhub.core.policies``).

A national account (no home territory) is one chain across regions: its profile and
account-wide records are HQ's (or an all-territory ERP client's); a regional manager who
sees it through a store in their territory keeps that store's record card.
"""

from dealerhub.core.policies import is_hq, manages
from dealerhub.core.scoping import allowed_paths, path_visible


def can_edit_accounts(user) -> bool:
    """Edit profiles, terms, contacts and assessments: HQ and regional managers."""
    return manages(user)


def may_hold_national(user) -> bool:
    """Create, move or change national accounts: whoever sees every territory."""
    return user.is_authenticated and allowed_paths(user) is None


def can_edit_account(user, account) -> bool:
    """The profile and account-wide records (terms, contacts, SKUs, figures, assessments)."""
    if account.territory_id is None:
        return manages(user) and may_hold_national(user)
    return manages(user)


def can_edit_store_card(user, account, outlet=None) -> bool:
    """A store's record card: for a national account, only stores in the user's scope."""
    if not manages(user):
        return False
    if account.territory_id is None and outlet is not None:
        return path_visible(outlet.territory.path, allowed_paths(user))
    return True


def can_edit_templates(user) -> bool:
    """The scoring templates and thresholds are global: HQ only."""
    return is_hq(user)
