"""Who may do what with products and actuals (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import has_role, is_hq


def can_edit_products(user) -> bool:
    """Products are company-wide master data: HQ (and the ERP through the API) only."""
    return is_hq(user)


def can_import_actuals(user) -> bool:
    """Sell-in and collections files are imported by managers, within their territories."""
    return has_role(user, "hq", "manager")
