from django.urls import path, re_path

from dealerhub.core.api.sync import CODE_PATTERN

from .views import CollectionViewSet, ProductViewSet, SellInLineViewSet

CODE = rf"(?P<external_code>{CODE_PATTERN})"
DETAIL = {"get": "retrieve", "put": "update", "delete": "destroy"}

urlpatterns = [
    path("products/", ProductViewSet.as_view({"get": "list"}), name="product-list"),
    path("products/bulk", ProductViewSet.as_view({"post": "bulk"}), name="product-bulk"),
    re_path(
        rf"^products/{CODE}$",
        ProductViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="product-detail",
    ),
    path("sell-in-lines/", SellInLineViewSet.as_view({"get": "list"}), name="sell-in-line-list"),
    path(
        "sell-in-lines/bulk", SellInLineViewSet.as_view({"post": "bulk"}), name="sell-in-line-bulk"
    ),
    re_path(
        rf"^sell-in-lines/{CODE}$", SellInLineViewSet.as_view(DETAIL), name="sell-in-line-detail"
    ),
    path("collections/", CollectionViewSet.as_view({"get": "list"}), name="collection-list"),
    path("collections/bulk", CollectionViewSet.as_view({"post": "bulk"}), name="collection-bulk"),
    re_path(rf"^collections/{CODE}$", CollectionViewSet.as_view(DETAIL), name="collection-detail"),
]
