from django.urls import path, re_path

from dealerhub.core.api.sync import CODE_PATTERN

from .views import (
    MarketByIdViewSet,
    MarketPlanViewSet,
    MarketViewSet,
    OutletViewSet,
    SurveyViewSet,
    TerritoryViewSet,
)

TERRITORY_ACTIONS = {"get": "retrieve", "put": "update"}
CODE = rf"(?P<external_code>{CODE_PATTERN})"


class _TerritorySlashViewSet(TerritoryViewSet):
    schema = None  # same endpoint with a trailing slash; documented once, without it


urlpatterns = [
    path("territories/", TerritoryViewSet.as_view({"get": "list"}), name="territory-list"),
    path("territories/bulk", TerritoryViewSet.as_view({"post": "bulk"}), name="territory-bulk"),
    re_path(
        r"^territories/(?P<code>[0-9]{1,12})$",
        TerritoryViewSet.as_view(TERRITORY_ACTIONS),
        name="territory-detail",
    ),
    re_path(
        r"^territories/(?P<code>[0-9]{1,12})/$", _TerritorySlashViewSet.as_view(TERRITORY_ACTIONS)
    ),
    path("markets/", MarketViewSet.as_view({"get": "list"}), name="market-list"),
    re_path(
        r"^markets/(?P<code>[0-9]{1,12})$",
        MarketViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="market-detail",
    ),
    re_path(
        r"^markets/(?P<code>[0-9]{1,12})/status$",
        MarketViewSet.as_view({"post": "change_status"}),
        name="market-status",
    ),
    path(
        "markets/<int:pk>/",
        MarketByIdViewSet.as_view({"get": "retrieve"}),
        name="market-detail-by-id",
    ),
    path("outlets/", OutletViewSet.as_view({"get": "list"}), name="outlet-list"),
    path("outlets/bulk", OutletViewSet.as_view({"post": "bulk"}), name="outlet-bulk"),
    re_path(
        rf"^outlets/{CODE}$",
        OutletViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="outlet-detail",
    ),
    path("surveys/", SurveyViewSet.as_view({"get": "list", "post": "create"}), name="survey-list"),
    path(
        "surveys/<int:pk>",
        SurveyViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="survey-detail",
    ),
    path("market-plans/", MarketPlanViewSet.as_view({"get": "list"}), name="market-plan-list"),
    re_path(
        r"^market-plans/(?P<code>[0-9]{1,12})$",
        MarketPlanViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="market-plan-detail",
    ),
]
