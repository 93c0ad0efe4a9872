from django.urls import path, re_path

from dealerhub.core.api.sync import CODE_PATTERN

from .dealer_views import DealerViewSet
from .views import CandidateViewSet

CODE = rf"(?P<external_code>{CODE_PATTERN})"

DEALER = DealerViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})

urlpatterns = [
    path("dealers/", DealerViewSet.as_view({"get": "list"}), name="dealer-list"),
    path("dealers/bulk", DealerViewSet.as_view({"post": "bulk"}), name="dealer-bulk"),
    re_path(rf"^dealers/{CODE}$", DEALER, name="dealer-detail"),
    path(
        "dealer-candidates/",
        CandidateViewSet.as_view({"get": "list"}),
        name="dealer-candidate-list",
    ),
    path(
        "dealer-candidates/bulk",
        CandidateViewSet.as_view({"post": "bulk"}),
        name="dealer-candidate-bulk",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}$",
        CandidateViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="dealer-candidate-detail",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}/evaluations$",
        CandidateViewSet.as_view({"post": "evaluations"}),
        name="dealer-candidate-evaluations",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}/stage$",
        CandidateViewSet.as_view({"post": "stage"}),
        name="dealer-candidate-stage",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}/contract$",
        CandidateViewSet.as_view({"get": "contract", "put": "contract"}),
        name="dealer-candidate-contract",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}/evaluations/latest$",
        CandidateViewSet.as_view({"get": "latest_evaluation"}),
        name="dealer-candidate-latest-evaluation",
    ),
    re_path(
        rf"^dealer-candidates/{CODE}/evaluation-sheet$",
        CandidateViewSet.as_view({"get": "evaluation_sheet"}),
        name="dealer-candidate-sheet",
    ),
]
