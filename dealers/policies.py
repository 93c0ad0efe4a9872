"""Who may do what in dealer selection (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import has_role, manages


def can_manage_candidates(user) -> bool:
    """Decide on candidates (move stages, select, sign): HQ and regional managers."""
    return manages(user)


def can_override(user) -> bool:
    """Override a pipeline rule with a recorded reason: HQ and regional managers."""
    return manages(user)


def is_rep(user) -> bool:
    return has_role(user, "rep")
