from django.urls import path, re_path

from dealerhub.core.api.sync import CODE_PATTERN

from .views import AssessmentViewSet, KeyAccountViewSet, MatrixView

CODE = rf"(?P<external_code>{CODE_PATTERN})"
ACCOUNT_ACTIONS = {"get": "retrieve", "put": "update"}


class _SlashAccountViewSet(KeyAccountViewSet):
    schema = None  # the same endpoint with a trailing slash; documented once


class _SlashAssessmentViewSet(AssessmentViewSet):
    schema = None


ASSESSMENT_ACTIONS = {"get": "retrieve", "put": "update"}


urlpatterns = [
    path("key-accounts/", KeyAccountViewSet.as_view({"get": "list"}), name="key-account-list"),
    path(
        "key-accounts/bulk",
        KeyAccountViewSet.as_view({"post": "bulk"}),
        name="key-account-bulk",
    ),
    re_path(
        rf"^key-accounts/{CODE}$",
        KeyAccountViewSet.as_view(ACCOUNT_ACTIONS),
        name="key-account-detail",
    ),
    re_path(rf"^key-accounts/{CODE}/$", _SlashAccountViewSet.as_view(ACCOUNT_ACTIONS)),
    re_path(
        rf"^key-accounts/{CODE}/assessments/(?P<year>[0-9]{{4}})$",
        AssessmentViewSet.as_view(ASSESSMENT_ACTIONS),
        name="key-account-assessment",
    ),
    re_path(
        rf"^key-accounts/{CODE}/assessments/(?P<year>[0-9]{{4}})/$",
        _SlashAssessmentViewSet.as_view(ASSESSMENT_ACTIONS),
    ),
    path("ka-matrix", MatrixView.as_view(), name="ka-matrix"),
    path("ka-matrix/", MatrixView.as_view(schema=None)),
]
