"""The Django admin's one rule: a page is territory-scoped, or it is for HQ admins only.

- Territory-bound models use :class:`ScopedModelAdmin`: rows, and the choices of their
  foreign keys, come through ``for_user`` like every HTML view and API viewset, so a
  regional manager with admin access sees and links only records in their territories.
- Every other admin page (global configuration such as scorecard templates, the
  objection playbook and checklists; integration records such as ERP clients, API
  tokens, webhooks and the outbox; third-party pages such as groups, login attempts and
  the audit trail) is HQ-only: other staff get 403 whatever model permissions they hold.
  :func:`hq_only_unless_scoped` applies this at start-up to every registered admin not
  marked ``territory_scoped``, so a new admin cannot be opened unscoped by forgetting it.
"""

from django.contrib import admin

from .models import OutboxEntry
from .policies import is_hq


class ScopedChoicesMixin:
    """Links to territory-bound records offer (and accept) only those in the editor's
    scope: no record is pointed at, or lists the names of, records outside it."""

    territory_scoped = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scoped_choices(
            super().formfield_for_foreignkey(db_field, request, **kwargs), request
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scoped_choices(
            super().formfield_for_manytomany(db_field, request, **kwargs), request
        )


def _scoped_choices(field, request):
    queryset = getattr(field, "queryset", None)
    if queryset is not None and hasattr(queryset, "for_user"):
        field.queryset = queryset.for_user(request.user)
    return field


class ScopedAdminMixin(ScopedChoicesMixin):
    """Staff outside HQ see, and can link to, only rows in their territory scope."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


class ScopedInline(ScopedChoicesMixin):
    """An inline of a territory-scoped admin (its rows come with the scoped parent)."""


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class HqOnlyAdminMixin:
    """Global configuration and integration records: HQ admins (and superusers) only."""

    def has_module_permission(self, request):
        return is_hq(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_hq(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_hq(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_hq(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_hq(request.user) and super().has_delete_permission(request, obj)


def is_hq_only(model_admin) -> bool:
    return isinstance(model_admin, HqOnlyAdminMixin)


def hq_only_unless_scoped(site: admin.AdminSite = admin.site) -> None:
    """Re-register every admin that is not territory-scoped as HQ-only (called once the
    apps are ready, after third-party apps registered theirs)."""
    for model, model_admin in list(site._registry.items()):
        if getattr(model_admin, "territory_scoped", False) or is_hq_only(model_admin):
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(
            model, type(f"HqOnly{admin_class.__name__}", (HqOnlyAdminMixin, admin_class), {})
        )


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ["task_name", "created_at", "attempts", "error"]
