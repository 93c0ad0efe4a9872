from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="client_list"),
    path("new/", views.ClientCreateView.as_view(), name="client_create"),
    path("<int:pk>/", views.ClientDetailView.as_view(), name="client_detail"),
    path("<int:pk>/tokens/", views.TokenIssueView.as_view(), name="token_issue"),
    path(
        "<int:pk>/tokens/<int:token_id>/revoke/",
        views.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
    path(
        "<int:pk>/subscriptions/",
        views.SubscriptionCreateView.as_view(),
        name="subscription_create",
    ),
    path(
        "<int:pk>/subscriptions/<int:subscription_id>/toggle/",
        views.SubscriptionToggleView.as_view(),
        name="subscription_toggle",
    ),
]
