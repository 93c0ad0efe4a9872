from django.urls import path

from . import views

app_name = "dealers"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="candidate_list"),
    path("new/", views.candidate_edit, name="candidate_create"),
    path("board/", views.board, name="board"),
    path("compare/<int:market_pk>/", views.compare, name="compare"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("jobs/", views.recompute_jobs, name="recompute_jobs"),
    path("pipeline-rules/", views.pipeline_settings_edit, name="pipeline_settings"),
    path("playbook/<int:pk>/", views.objection_edit, name="objection_edit"),
    path("<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("<int:pk>/move/", views.candidate_move, name="candidate_move"),
    path("<int:pk>/evaluate/", views.evaluation_form, name="evaluation_form"),
    path("<int:pk>/contract/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/sheet/", views.sheet_download, name="sheet_download"),
]
