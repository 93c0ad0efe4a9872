"""Who may do what in market development (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import manages


def can_manage_markets(user) -> bool:
    """Change a market's status, plan, checklist and rep: HQ and regional managers."""
    return manages(user)


def can_edit_survey(user, survey) -> bool:
    """The rep who owns the survey, or a manager."""
    return survey.rep_id == user.pk or manages(user)


def can_open_markets(user) -> bool:
    """Open a market for a territory in scope: HQ and regional managers, not reps."""
    return manages(user)
