from django.urls import path, re_path

from ..rules import KEY_PATTERN
from .views import TargetViewSet

urlpatterns = [
    path("targets/", TargetViewSet.as_view({"get": "list"}), name="target-list"),
    path("targets/bulk", TargetViewSet.as_view({"post": "bulk"}), name="target-bulk"),
    re_path(
        rf"^targets/(?P<external_code>{KEY_PATTERN})$",
        TargetViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="target-detail",
    ),
]
