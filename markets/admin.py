from django.contrib import admin

from dealerhub.core.admin import ScopedModelAdmin

from .models import (
    ChecklistCriterion,
    Competitor,
    Market,
    MarketPlan,
    MarketStatusChange,
    MarketSurvey,
    Outlet,
    Territory,
)


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


@admin.register(Outlet)
class OutletAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "territory", "external_code", "listed_on", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "external_code", "address"]
    raw_id_fields = ["territory", "survey", "wholesale_market"]
    list_select_related = ["territory"]


@admin.register(MarketPlan)
class MarketPlanAdmin(ScopedModelAdmin):
    list_display = ["market", "channel_model", "planned_dealer_count", "working_capital"]
    raw_id_fields = ["market"]
    list_select_related = ["market__territory"]


@admin.register(ChecklistCriterion)
class ChecklistCriterionAdmin(admin.ModelAdmin):
    """HQ configures the success checklist per territory level (defaults: every item)."""

    list_display = ["level", "key", "enabled", "position"]
    list_editable = ["enabled", "position"]
    list_filter = ["level"]


@admin.register(MarketStatusChange)
class MarketStatusChangeAdmin(ScopedModelAdmin):
    list_display = ["market", "from_status", "to_status", "changed_by", "created_at"]
    raw_id_fields = ["market", "changed_by"]

    def has_change_permission(self, request, obj=None):
        return False  # history is append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MarketSurvey)
class MarketSurveyAdmin(ScopedModelAdmin):
    list_display = ["market", "rep", "surveyed_on", "completeness"]
    raw_id_fields = ["market", "rep"]
    readonly_fields = ["completeness"]


@admin.register(Competitor)
class CompetitorAdmin(ScopedModelAdmin):
    list_display = ["brand", "market", "estimated_monthly_volume"]
    raw_id_fields = ["market", "survey"]
