from django.urls import path

from . import views

app_name = "markets"

urlpatterns = [
    path("", views.MarketListView.as_view(), name="market_list"),
    path("open/", views.market_open, name="market_open"),
    path("<int:pk>/", views.MarketDetailView.as_view(), name="market_detail"),
    path("<int:pk>/edit/", views.market_edit, name="market_edit"),
    path("<int:pk>/status/", views.market_status, name="market_status"),
    path("<int:pk>/plan/", views.market_plan, name="market_plan"),
    path("<int:pk>/checklist/", views.checklist_tick, name="checklist_tick"),
    path("<int:pk>/surveys/new/", views.survey_start, name="survey_start"),
    path("<int:pk>/outlets/", views.OutletListView.as_view(), name="outlet_list"),
    path("<int:pk>/outlets/export.xlsx", views.outlet_export, name="outlet_export"),
    path("<int:pk>/outlets/import/", views.outlet_import, name="outlet_import"),
    path(
        "<int:pk>/outlets/import/<int:import_id>/",
        views.outlet_import_preview,
        name="outlet_import_preview",
    ),
    path("<int:pk>/competitors/", views.competitor_list, name="competitor_list"),
    path("<int:pk>/trial-shipments/new/", views.trial_shipment_create, name="trial_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path(
        "surveys/<int:pk>/remove/<slug:kind>/<int:row_id>/",
        views.survey_remove,
        name="survey_remove",
    ),
    path("surveys/<int:pk>/<slug:part>/", views.survey_save, name="survey_save"),
    path("outlets/<int:pk>/assess/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("photos/<slug:kind>/<int:pk>/", views.photo, name="photo"),
    path("territories/", views.TerritoryListView.as_view(), name="territory_list"),
    path("territories/<str:code>/", views.TerritoryDetailView.as_view(), name="territory_detail"),
    path("territories/<str:code>/open-market/", views.market_open, name="territory_market_open"),
]
