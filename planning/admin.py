from django.contrib import admin

from dealerhub.core.admin import ScopedInline, ScopedModelAdmin

from .models import SubRegion, SubRegionMarket, Target, TargetPlan


class SubRegionMarketInline(ScopedInline, admin.TabularInline):
    model = SubRegionMarket
    extra = 1


@admin.register(SubRegion)
class SubRegionAdmin(ScopedModelAdmin):
    """Sub-regions (片区) are set up here: a name and the region's markets in it."""

    list_display = ("name", "region")
    list_filter = ("region",)
    inlines = [SubRegionMarketInline]


@admin.register(TargetPlan)
class TargetPlanAdmin(ScopedModelAdmin):
    list_display = ("region", "year", "status", "proposed_at", "approved_at")
    list_filter = ("status", "year")
    readonly_fields = ("status", "proposed_by", "proposed_at", "approved_by", "approved_at")


@admin.register(Target)
class TargetAdmin(ScopedModelAdmin):
    """Read-only: figures change through the grid, the import or the API (with revisions)."""

    list_display = ("external_code", "value", "updated_at")
    list_filter = ("year", "measure")
    search_fields = ("external_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
