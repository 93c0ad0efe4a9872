from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    filter_horizontal = ["territories", "groups", "user_permissions"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("DealerHub"),
            {"fields": ("role", "display_name", "phone", "territories", "all_territories")},
        ),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or request.user.is_hq:
            return queryset
        # Other staff see only users assigned inside their own territories.
        paths = request.user.scope_paths
        if not paths:
            return queryset.filter(pk=request.user.pk)
        territory = self.model._meta.get_field("territories").related_model
        visible = territory.objects.within_paths(paths)
        return queryset.filter(territories__in=visible).distinct()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "key_prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["key_prefix", "key_hash", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        # Tokens are issued by `create_api_client` so the secret can be shown once.
        return False
