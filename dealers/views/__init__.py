from .candidates import (
    CandidateDetailView,
    CandidateListView,
    board,
    candidate_edit,
    candidate_move,
    compare,
    contract_edit,
)
from .evaluations import evaluation_form, sheet_download
from .setup import objection_edit, pipeline_settings_edit, recompute_jobs
from .templates import (
    template_copy,
    template_detail,
    template_edit,
    template_list,
    template_publish,
)

__all__ = [
    "CandidateListView",
    "CandidateDetailView",
    "candidate_edit",
    "candidate_move",
    "board",
    "compare",
    "contract_edit",
    "evaluation_form",
    "sheet_download",
    "template_list",
    "template_detail",
    "template_edit",
    "template_publish",
    "template_copy",
    "recompute_jobs",
    "objection_edit",
    "pipeline_settings_edit",
]
