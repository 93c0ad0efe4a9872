from django.urls import path

from . import views

app_name = "keyaccounts"

urlpatterns = [
    path("", views.AccountListView.as_view(), name="account_list"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/export.xlsx", views.matrix_export, name="matrix_export"),
    path("matrix/export.pdf", views.matrix_pdf, name="matrix_pdf"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path(
        "templates/<int:pk>/make-default/",
        views.template_make_default,
        name="template_make_default",
    ),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("outlets/<int:pk>/", views.OutletCardDetailView.as_view(), name="outlet_card"),
    path("<int:pk>/", views.AccountDetailView.as_view(), name="account_detail"),
    path("<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("<int:pk>/assessment/", views.assessment_edit, name="assessment_edit"),
    path("new/", views.account_create, name="account_create"),
    path("<int:pk>/years/", views.years_edit, name="years_edit"),
    path("<int:pk>/comparison/", views.comparison_edit, name="comparison_edit"),
    path("<int:pk>/<slug:kind>/new/", views.record_edit, name="record_create"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/", views.record_edit, name="record_edit"),
]
