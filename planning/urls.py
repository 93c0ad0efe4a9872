from django.urls import path

from . import views

app_name = "planning"

GRID = "targets/<str:code>/<int:year>/<slug:measure>/"

urlpatterns = [
    path("targets/", views.target_index, name="index"),
    path("targets/import/", views.target_import, name="import"),
    path(GRID, views.target_grid, name="grid"),
    path(GRID + "figure/", views.target_figure, name="figure"),
    path(GRID + "export.xlsx", views.target_export, name="export"),
    path(GRID + "history/", views.target_history, name="history"),
    path(
        "targets/<str:code>/<int:year>/plan/<slug:action>/",
        views.target_plan_action,
        name="plan_action",
    ),
]
