"""HQ admins manage ERP clients, their tokens and webhook subscriptions here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.models import ApiToken
from dealerhub.core.policies import RoleRequiredMixin

from . import services
from .forms import ApiClientForm, SubscriptionForm, TokenForm
from .models import AdminNotice, ApiClient, WebhookDelivery, WebhookSubscription

NEW_TOKEN_SESSION_KEY = "integrations_new_token"  # noqa: S105 - a session key name


def _remember_token(request, raw: str) -> None:
    # Shown once on the next page, then dropped from the session.
    request.session[NEW_TOKEN_SESSION_KEY] = raw


class ClientListView(RoleRequiredMixin, ListView):
    template_name = "integrations/client_list.html"
    context_object_name = "clients"

    def get_queryset(self):
        return ApiClient.objects.select_related("user").annotate(
            active_tokens=Count(
                "user__api_tokens",
                filter=Q(user__api_tokens__revoked_at__isnull=True),
                distinct=True,
            ),
            subscription_count=Count("subscriptions", distinct=True),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notices"] = AdminNotice.objects.filter(dismissed_at__isnull=True)[:20]
        return context


class ClientCreateView(RoleRequiredMixin, FormView):
    template_name = "integrations/client_form.html"
    form_class = ApiClientForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            client, raw = services.api_client_create(
                name=data["name"],
                resource_scopes=data["resource_scopes"],
                all_territories=data["all_territories"],
                territory_ids=[t.pk for t in data["territories"]],
                token_expires_at=data.get("token_expires_at"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        ApiClient.objects.filter(pk=client.pk).update(
            rate_limit_per_minute=data["rate_limit_per_minute"]
        )
        _remember_token(self.request, raw)
        return redirect("integrations:client_detail", pk=client.pk)


class ClientDetailView(RoleRequiredMixin, DetailView):
    template_name = "integrations/client_detail.html"
    context_object_name = "client"

    def get_queryset(self):
        return ApiClient.objects.select_related("user").prefetch_related("user__territories")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client = self.object
        context["new_token"] = self.request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        context["tokens"] = ApiToken.objects.filter(user=client.user)
        context["subscriptions"] = client.subscriptions.all()
        context["deliveries"] = (
            WebhookDelivery.objects.filter(subscription__client=client)
            .select_related("subscription")
            .prefetch_related("log")[:50]
        )
        context["token_form"] = TokenForm()
        context["subscription_form"] = SubscriptionForm()
        return context


class TokenIssueView(RoleRequiredMixin, View):
    def post(self, request, pk):
        client = get_object_or_404(ApiClient, pk=pk)
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, raw = services.api_token_issue(
                client=client,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data.get("expires_at"),
            )
            _remember_token(request, raw)
        else:
            messages.error(request, _("The token needs a name."))
        return redirect("integrations:client_detail", pk=pk)


class TokenRevokeView(RoleRequiredMixin, View):
    def post(self, request, pk, token_id):
        client = get_object_or_404(ApiClient, pk=pk)
        services.api_token_revoke(token_id=token_id, client=client)
        messages.success(request, _("Token revoked."))
        return redirect("integrations:client_detail", pk=pk)


class SubscriptionCreateView(RoleRequiredMixin, View):
    def post(self, request, pk):
        client = get_object_or_404(ApiClient, pk=pk)
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.ensure_unique_subscription(
                    client=client, event=form.cleaned_data["event"], url=form.cleaned_data["url"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Subscription added."))
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("integrations:client_detail", pk=pk)


class SubscriptionToggleView(RoleRequiredMixin, View):
    def post(self, request, pk, subscription_id):
        subscription = get_object_or_404(WebhookSubscription, pk=subscription_id, client_id=pk)
        if subscription.paused_at:
            services.webhook_resume(subscription_id=subscription.pk)
            messages.success(request, _("Subscription resumed."))
        else:
            services.webhook_pause(subscription=subscription, now=timezone.now())
            messages.success(request, _("Subscription paused."))
        return redirect("integrations:client_detail", pk=pk)
