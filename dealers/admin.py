from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dealerhub.core.admin import ScopedModelAdmin

from . import rules, scoring, selectors, services
from .choices import TemplateStatus
from .models import (
    Candidate,
    Contract,
    Criterion,
    Dealer,
    Evaluation,
    ObjectionAnswer,
    PipelineSettings,
    RecomputeJob,
    ScorecardTemplate,
    SubItem,
)


class CriterionInlineFormSet(forms.BaseInlineFormSet):
    """The template editor refuses criterion weights that do not sum to 100."""

    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or Decimal(0)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        error = scoring.criterion_weights_error(weights)
        if error:
            raise ValidationError(_("Criterion weights must be positive and sum to 100."))
        if self.instance.pk and self.instance.status != TemplateStatus.DRAFT:
            if self.has_changed():
                raise ValidationError(
                    _("A published version is frozen: create a new version to change it.")
                )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionInlineFormSet
    extra = 0
    fields = ["position", "code", "name", "name_en", "weight"]
    show_change_link = True


@admin.register(ScorecardTemplate)
class ScorecardTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "published_at"]
    inlines = [CriterionInline]


class SubItemInline(admin.TabularInline):
    model = SubItem
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "name_en",
        "weight",
        "level_1",
        "level_3",
        "level_5",
        "red_flag_level",
    ]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["template", "code", "name", "weight"]
    list_filter = ["template"]
    inlines = [SubItemInline]


@admin.register(Candidate)
class CandidateAdmin(ScopedModelAdmin):
    list_display = ["name", "external_code", "market", "stage", "updated_at"]
    list_filter = ["stage", "source"]
    search_fields = ["name", "external_code"]
    raw_id_fields = ["market", "owner_rep", "address_territory"]
    list_select_related = ["market__territory"]
    readonly_fields = ["stage", "stage_changed_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every way a candidate is entered is screened against the blacklist.
        services.blacklist_screen_candidates(external_codes=[obj.external_code])


@admin.register(Evaluation)
class EvaluationAdmin(ScopedModelAdmin):
    list_display = ["candidate", "template", "total", "decision", "dealer_type", "submitted"]
    list_filter = ["decision", "submitted"]
    raw_id_fields = ["candidate", "evaluator"]
    readonly_fields = ["criteria_scores", "total", "decision", "dealer_type", "oversized"]
    list_select_related = ["candidate", "template"]


class ContractAdminForm(forms.ModelForm):
    """The admin saves contracts outside the service: it checks rule 4 the same way."""

    def clean(self):
        cleaned = super().clean()
        texts = {name: cleaned.get(name) or "" for name in Contract.TEXT_FIELDS}
        found = rules.contract_exclusivity(texts, selectors.exclusivity_words())
        for name, words in found.items():
            self.add_error(name, rules.exclusivity_message(words))
        return cleaned


@admin.register(Contract)
class ContractAdmin(ScopedModelAdmin):
    form = ContractAdminForm
    list_display = ["candidate", "term_start", "term_end", "payment_terms"]
    raw_id_fields = ["candidate"]
    filter_horizontal = ["territories"]


@admin.register(Dealer)
class DealerAdmin(ScopedModelAdmin):
    list_display = ["name", "external_code", "market", "active", "since"]
    list_filter = ["active"]
    raw_id_fields = ["candidate", "market", "overlap_confirmed_by"]


@admin.register(PipelineSettings)
class PipelineSettingsAdmin(admin.ModelAdmin):
    list_display = ["survey_min_completeness", "qualified_within_days", "updated_at"]


@admin.register(ObjectionAnswer)
class ObjectionAnswerAdmin(admin.ModelAdmin):
    list_display = ["objection", "heading"]


@admin.register(RecomputeJob)
class RecomputeJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "template", "market", "status", "processed", "total", "changed"]
    list_filter = ["status", "kind"]
