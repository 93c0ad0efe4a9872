from django.urls import path

from .views import ChangesViewSet

urlpatterns = [
    path("changes/", ChangesViewSet.as_view({"get": "list"}), name="changes-list"),
]
