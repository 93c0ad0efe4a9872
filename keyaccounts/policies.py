"""Who may do what with key accounts (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import is_hq, manages


def can_edit_accounts(user) -> bool:
    """Edit profiles, terms, contacts and assessments: HQ and regional managers."""
    return manages(user)


def can_edit_templates(user) -> bool:
    """The scoring templates and thresholds are global: HQ only."""
    return is_hq(user)
