from django.urls import path

from . import views

app_name = "markets"

urlpatterns = [
    path("", views.MarketListView.as_view(), name="market_list"),
    path("<int:pk>/", views.MarketDetailView.as_view(), name="market_detail"),
    path("<int:pk>/edit/", views.market_edit, name="market_edit"),
    path("territories/", views.TerritoryListView.as_view(), name="territory_list"),
    path("territories/<str:code>/", views.TerritoryDetailView.as_view(), name="territory_detail"),
]
