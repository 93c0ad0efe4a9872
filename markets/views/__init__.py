from .fieldwork import (
    assessment_create,
    assessment_detail,
    competitor_list,
    photo,
    trial_shipment_create,
)
from .markets import (
    MarketDetailView,
    MarketListView,
    checklist_tick,
    market_edit,
    market_open,
    market_plan,
    market_status,
)
from .outlets import OutletListView, outlet_export, outlet_import, outlet_import_preview
from .surveys import ROW_SECTIONS, survey_detail, survey_remove, survey_save, survey_start
from .territories import TerritoryDetailView, TerritoryListView

__all__ = [
    "TerritoryListView",
    "TerritoryDetailView",
    "MarketListView",
    "MarketDetailView",
    "market_edit",
    "market_open",
    "market_status",
    "checklist_tick",
    "market_plan",
    "survey_start",
    "ROW_SECTIONS",
    "survey_detail",
    "survey_save",
    "survey_remove",
    "OutletListView",
    "outlet_export",
    "outlet_import",
    "outlet_import_preview",
    "competitor_list",
    "assessment_create",
    "assessment_detail",
    "trial_shipment_create",
    "photo",
]
