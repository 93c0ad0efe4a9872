"""Who may do what with targets (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import has_role, is_hq, manages


def can_edit_targets(user) -> bool:
    """Enter and change targets (grid, import): HQ and regional managers, in their scope."""
    return manages(user)


def can_edit_approved(user) -> bool:
    """An approved plan is HQ's: only HQ (and ERP pushes) change it afterwards."""
    return has_role(user, "hq", "erp")


def can_set_regional_figure(user) -> bool:
    """HQ's top-down figure per region and measure."""
    return is_hq(user)


def can_propose(user) -> bool:
    return has_role(user, "manager", "hq")


def can_approve(user) -> bool:
    return is_hq(user)
