from django.urls import path

from . import views

app_name = "sales"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_edit, name="product_create"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("import/", views.actuals_import, name="actuals_import"),
]
