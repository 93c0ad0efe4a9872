"""Who may do what in dealer selection (see ``dealerhub.core.policies``)."""

from dealerhub.core.policies import has_role, is_hq, manages


def can_manage_candidates(user) -> bool:
    """Decide on candidates (move stages, select, sign): HQ and regional managers."""
    return manages(user)


def can_override(user) -> bool:
    """Override pipeline rules 1–3 and 5 with a written reason kept in history: HQ admins
    only (20-dealers.md). Rule 4 (no written exclusivity) nobody overrides."""
    return is_hq(user)


def can_confirm_overlap(user) -> bool:
    """Confirm a territory/channel overlap when signing (rule 5): HQ and regional managers."""
    return manages(user)


def can_edit_pipeline_settings(user) -> bool:
    """The pipeline rules' settings (survey threshold, window, exclusivity wordings) are
    global: HQ only."""
    return is_hq(user)


def is_rep(user) -> bool:
    return has_role(user, "rep")


def can_edit_templates(user) -> bool:
    """Scorecard templates (criteria, weights, publishing) are global: HQ only."""
    return is_hq(user)


def can_edit_playbook(user) -> bool:
    """The objection playbook is global, shared by every market: HQ only."""
    return is_hq(user)
