from django.contrib import admin

from .models import AdminNotice, ApiClient, WebhookAttempt, WebhookDelivery, WebhookSubscription


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "rate_limit_per_minute", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "event", "url", "is_active", "failing_since", "paused_at"]
    list_filter = ["event", "is_active"]
    readonly_fields = ["secret", "failing_since", "paused_at", "paused_reason"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "event"]
    readonly_fields = [
        "subscription",
        "event",
        "event_id",
        "body",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    inlines = [WebhookAttemptInline]


@admin.register(AdminNotice)
class AdminNoticeAdmin(admin.ModelAdmin):
    list_display = ["message", "created_at", "dismissed_at"]
