"""Writes for dealer selection. Views, the API, admin actions and tasks call these."""

from .candidates import (
    candidate_add_red_flag,
    candidate_upsert,
    candidates_bulk_upsert,
    dealer_delete,
    dealers_upsert,
    objection_update,
)
from .evaluations import RatingProblems, check_ratings, evaluation_save
from .pipeline import (
    RuleRefused,
    candidate_move,
    contract_save,
    pipeline_settings_save,
    stage_move_violations,
)
from .recompute import (
    RECOMPUTE_PARALLEL,
    queue_sheet_renders,
    recompute_candidate,
    recompute_job_run,
    recompute_jobs_sweep,
    recompute_market,
    template_new_draft,
    template_publish,
)
from .templates import template_draft_save, template_drafts, template_settings

__all__ = [
    "candidate_upsert",
    "candidate_add_red_flag",
    "candidates_bulk_upsert",
    "dealers_upsert",
    "dealer_delete",
    "objection_update",
    "RatingProblems",
    "check_ratings",
    "evaluation_save",
    "queue_sheet_renders",
    "stage_move_violations",
    "candidate_move",
    "contract_save",
    "pipeline_settings_save",
    "RuleRefused",
    "RECOMPUTE_PARALLEL",
    "template_publish",
    "template_new_draft",
    "template_draft_save",
    "template_drafts",
    "template_settings",
    "recompute_market",
    "recompute_candidate",
    "recompute_job_run",
    "recompute_jobs_sweep",
]
