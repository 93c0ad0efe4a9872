from django.contrib import admin

from dealerhub.core.admin import ScopedModelAdmin

from .models import Market, Territory


@admin.register(Territory)
class TerritoryAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "level", "tier", "parent", "population_total", "updated_at"]
    list_filter = ["level", "tier"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth", "county_count", "town_count"]


@admin.register(Market)
class MarketAdmin(ScopedModelAdmin):
    list_display = ["territory", "status", "rep", "updated_at"]
    list_filter = ["status"]
    search_fields = ["territory__name", "territory__code"]
    raw_id_fields = ["territory", "rep"]
    list_select_related = ["territory", "rep"]
