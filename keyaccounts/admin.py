from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dealerhub.core.admin import ScopedInline, ScopedModelAdmin

from . import scoring, services
from .models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    OutletYear,
    RecomputeJob,
    ScorecardTemplate,
    SkuListing,
    TemplateCriterion,
    TradeTerms,
)


class CriterionInlineFormSet(forms.BaseInlineFormSet):
    """The template editor refuses criteria whose axis weights do not sum to 100."""

    def clean(self):
        super().clean()
        criteria = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            edges = tuple(data.get(f"edge_{i}") for i in range(1, 5))
            criteria.append(
                scoring.Criterion(
                    data["measure"],
                    data["axis"],
                    data["weight"],
                    data["kind"],
                    () if data["kind"] == scoring.DIRECT_RATING else edges,
                )
            )
        errors = services._criteria_errors(criteria)
        if errors:
            raise ValidationError(list(errors.values()))


class CriterionInline(admin.TabularInline):
    model = TemplateCriterion
    formset = CriterionInlineFormSet
    extra = 0

    def _editable(self, obj) -> bool:
        # A version that scored assessments is frozen; make a new version instead.
        return obj is None or not obj.assessments.exists()

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ScorecardTemplate)
class ScorecardTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_default", "updated_at"]
    readonly_fields = ["version", "is_default"]
    inlines = [CriterionInline]
    actions = ["make_default"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.assessments.exists():
            # A version that scored assessments is frozen; make a new version instead.
            return [
                "name",
                "version",
                "is_default",
                "threshold_attractiveness",
                "threshold_supportiveness",
            ]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = (
                ScorecardTemplate.objects.order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Make default and recompute all assessments"))
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one template."), messages.ERROR)
            return
        services.template_make_default(template_id=queryset.get().pk, user=request.user)
        self.message_user(request, _("Recompute queued."))


class AccountChildInline(ScopedInline, admin.TabularInline):
    extra = 0


class AccountYearInline(AccountChildInline):
    model = AccountYear


class ContactInline(AccountChildInline):
    model = Contact
    fk_name = "account"
    fields = [
        "name",
        "title",
        "department",
        "dmu_role",
        "reports_to",
        "phone",
        "is_key_staff",
        "relationship_quality",
        "notes",
    ]


class ComparisonInline(AccountChildInline):
    model = CompetitorComparison


class TradeTermsInline(ScopedInline, admin.StackedInline):
    model = TradeTerms
    extra = 0


@admin.register(KeyAccount)
class KeyAccountAdmin(ScopedModelAdmin):
    list_display = ["name", "external_code", "format", "territory", "rep", "updated_at"]
    list_filter = ["format"]
    search_fields = ["name", "external_code"]
    raw_id_fields = ["territory", "rep"]
    list_select_related = ["territory", "rep"]
    inlines = [AccountYearInline, TradeTermsInline, ContactInline, ComparisonInline]


@admin.register(Assessment)
class AssessmentAdmin(ScopedModelAdmin):
    list_display = ["account", "year", "attractiveness", "supportiveness", "quadrant", "template"]
    list_filter = ["year", "quadrant"]
    search_fields = ["account__name", "account__external_code"]
    list_select_related = ["account", "template"]
    # Scores come from the measures; enter assessments on the account page or the API.
    readonly_fields = ["attractiveness", "supportiveness", "quadrant", "template"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.assessment_upsert(
            account=obj.account,
            year=obj.year,
            measures=obj.measures() | {name: getattr(obj, name) for name in services.POINT_FIELDS},
        )


class OutletYearInline(ScopedInline, admin.TabularInline):
    model = OutletYear
    extra = 0


@admin.register(OutletCard)
class OutletCardAdmin(ScopedModelAdmin):
    list_display = ["outlet", "account", "visits_per_month", "updated_at"]
    raw_id_fields = ["outlet", "account"]
    list_select_related = ["outlet", "account"]
    inlines = [OutletYearInline]


@admin.register(SkuListing)
class SkuListingAdmin(ScopedModelAdmin):
    list_display = ["sku_code", "sku_name", "account", "status"]
    list_filter = ["status"]
    search_fields = ["sku_code", "sku_name", "account__name"]
    raw_id_fields = ["account"]
    list_select_related = ["account"]


@admin.register(RecomputeJob)
class RecomputeJobAdmin(admin.ModelAdmin):
    list_display = ["template", "status", "processed", "total", "changed", "created_at"]
    readonly_fields = [f.name for f in RecomputeJob._meta.fields]
