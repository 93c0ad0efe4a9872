"""Writes for key accounts, assessments and scorecard templates. Views, API, admin,
tasks and the demo command all call these."""

from .accounts import (
    account_update_profile,
    account_upsert,
    account_years_save,
    accounts_bulk_upsert,
    comparisons_save,
    contact_save,
    outlet_card_save,
    sku_listing_save,
    trade_terms_save,
)
from .assessments import MEASURE_FIELDS, POINT_FIELDS, assessment_upsert
from .templates import (
    RECOMPUTE_BATCH,
    _criteria_errors,
    assessments_recompute,
    default_template,
    recompute_jobs_sweep,
    recompute_request,
    template_create,
    template_make_default,
)

__all__ = [
    "RECOMPUTE_BATCH",
    "_criteria_errors",
    "template_create",
    "template_make_default",
    "default_template",
    "recompute_request",
    "assessments_recompute",
    "recompute_jobs_sweep",
    "account_upsert",
    "account_update_profile",
    "trade_terms_save",
    "contact_save",
    "sku_listing_save",
    "outlet_card_save",
    "account_years_save",
    "comparisons_save",
    "accounts_bulk_upsert",
    "MEASURE_FIELDS",
    "POINT_FIELDS",
    "assessment_upsert",
]
