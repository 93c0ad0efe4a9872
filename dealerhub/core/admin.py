from django.contrib import admin

from .models import OutboxEntry


class ScopedAdminMixin:
    """Non-superuser staff see only rows in their territory scope in the Django admin."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.for_user(request.user)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ["task_name", "created_at", "attempts", "error"]
