from django.urls import path, re_path

from .views import MarketViewSet, TerritoryViewSet

TERRITORY_ACTIONS = {"get": "retrieve", "put": "update"}


class _TerritorySlashViewSet(TerritoryViewSet):
    schema = None  # same endpoint with a trailing slash; documented once, without it


urlpatterns = [
    path("territories/", TerritoryViewSet.as_view({"get": "list"}), name="territory-list"),
    re_path(
        r"^territories/(?P<code>[0-9]{1,12})$",
        TerritoryViewSet.as_view(TERRITORY_ACTIONS),
        name="territory-detail",
    ),
    re_path(
        r"^territories/(?P<code>[0-9]{1,12})/$", _TerritorySlashViewSet.as_view(TERRITORY_ACTIONS)
    ),
    path("markets/", MarketViewSet.as_view({"get": "list"}), name="market-list"),
    path("markets/<int:pk>/", MarketViewSet.as_view({"get": "retrieve"}), name="market-detail"),
]
