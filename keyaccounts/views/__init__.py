from .accounts import (
    RECORDS,
    AccountDetailView,
    AccountListView,
    OutletCardDetailView,
    account_create,
    account_edit,
    comparison_edit,
    record_edit,
    years_edit,
)
from .matrix import assessment_edit, matrix, matrix_export, matrix_pdf
from .templates import job_detail, template_create, template_list, template_make_default

__all__ = [
    "AccountListView",
    "AccountDetailView",
    "OutletCardDetailView",
    "account_edit",
    "account_create",
    "RECORDS",
    "record_edit",
    "years_edit",
    "comparison_edit",
    "assessment_edit",
    "matrix",
    "matrix_pdf",
    "matrix_export",
    "template_list",
    "template_create",
    "template_make_default",
    "job_detail",
]
