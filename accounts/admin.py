from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Role, User

# Roles, permissions and the ERP all-territories flag are granted by HQ admins only.
PRIVILEGE_FIELDS = ["role", "is_staff", "is_superuser", "groups", "user_permissions"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Territory-scoped for staff outside HQ: the reps in their territories, and themselves.

    They may edit names, contacts, activity and (within their own scope) territories,
    never roles, permissions or the ERP all-territories flag, and never add or delete
    accounts. ERP client accounts are integration records: HQ only.
    """

    territory_scoped = True  # see dealerhub.core.admin: scoped here, not HQ-only
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
        if request.user.is_hq:
            return queryset
        paths = request.user.scope_paths
        if not paths:
            return queryset.filter(pk=request.user.pk)
        visible = self._territories().objects.within_paths(paths)
        reps = Q(role=Role.REP, is_superuser=False, territories__in=visible)
        return queryset.filter(reps | Q(pk=request.user.pk)).distinct()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_hq:
            fields += [*PRIVILEGE_FIELDS, "all_territories"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "territories" and not request.user.is_hq:
            kwargs["queryset"] = self._territories().objects.within_paths(request.user.scope_paths)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_hq and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_hq and super().has_delete_permission(request, obj)

    def _territories(self):
        # The territory model, without importing the markets app (a layer above).
        return self.model._meta.get_field("territories").related_model


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """HQ only, like every admin not territory-scoped (dealerhub.core.admin): only HQ
    admins see tokens or hand one to another user."""

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
