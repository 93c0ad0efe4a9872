from django import forms
from django.utils.translation import gettext_lazy as _

from markets.choices import Channel
from markets.models import Market, Territory

from .choices import RedFlag, RejectionReason, Stage
from .models import Candidate, Contract, ObjectionAnswer, PipelineSettings

PROFILE_FIELDS = [
    "name",
    "external_code",
    "market",
    "source",
    "legal_entity",
    "contact_name",
    "contact_phone",
    "address",
    "product_lines",
    "prices",
    "areas_served",
    "sales_facilities",
    "stock_value",
    "delivery_vehicles",
    "wholesale_tier",
    "ka_stores_supplied",
    "brands_competing",
    "brands_complementary",
    "peers_opinion",
    "attitude_to_us",
    "working_capital",
    "warehouse_m2",
    "deliverable_outlets_per_week",
    "covered_outlets",
    "banks",
    "credit_standing",
    "investments",
    "loans_and_debts",
    "staff_headcount",
    "staff_profile",
    "notes",
]


class CandidateForm(forms.ModelForm):
    """A candidate's profile; owner details only for managers; `version` guards stale edits."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Candidate
        fields = [*PROFILE_FIELDS, *Candidate.OWNER_FIELDS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "product_lines",
                "prices",
                "peers_opinion",
                "attitude_to_us",
                "investments",
                "loans_and_debts",
                "staff_profile",
                "notes",
                "owner_experience",
                "owner_assets",
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["market"].queryset = (
            Market.objects.for_user(user).select_related("territory").order_by("territory__path")
        )
        self.fields["external_code"].required = False
        self.fields["external_code"].help_text = _("ERP code; left empty, one is generated.")
        if not (user.is_hq or user.is_manager):
            for name in Candidate.OWNER_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            self.fields["external_code"].disabled = True
            if not self.is_bound:
                self.initial["version"] = self.instance.updated_at


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rejection_reason = forms.ChoiceField(
        label=_("Rejection reason"), choices=[("", "—"), *RejectionReason.choices], required=False
    )
    override = forms.BooleanField(label=_("Override the rules (reason required)"), required=False)
    confirm_overlap = forms.BooleanField(
        label=_("I confirm the territory and channel overlap (rule 5)"), required=False
    )


class ContractForm(forms.ModelForm):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories"), queryset=Territory.objects.none()
    )

    class Meta:
        model = Contract
        fields = [
            "territories",
            "channels",
            "term_start",
            "term_end",
            "payment_terms",
            "credit_limit",
            "price_floor",
            "annual_target",
            "first_order",
            "terms",
            "note",
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
            "terms": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        market_territory = candidate.market.territory
        self.fields["territories"].queryset = Territory.objects.filter(
            pk__in=Territory.objects.filter(path__startswith=market_territory.path)
            .order_by("path")
            .values("pk")[:500]
        ).order_by("path")
        for name in Contract.TEXT_FIELDS:
            self.fields[name].help_text = _(
                "Never promise exclusivity in writing (不得书面承诺独家代理)."
            )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at
            self.initial["channels"] = self.instance.channels


class RoiForm(forms.Form):
    monthly_volume = forms.DecimalField(label=_("Expected monthly volume (units)"), min_value=0)
    unit_margin = forms.DecimalField(label=_("Dealer's margin per unit (¥)"), min_value=0)
    monthly_costs = forms.DecimalField(label=_("Dealer's monthly costs (¥)"), min_value=0)
    initial_investment = forms.DecimalField(
        label=_("Initial investment incl. first order (¥)"), min_value=0
    )


class ObjectionForm(forms.ModelForm):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ObjectionAnswer
        fields = ["heading", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at


class PipelineSettingsForm(forms.ModelForm):
    """HQ's settings of the pipeline rules; the wordings one per line."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    exclusivity_words = forms.CharField(
        label=_("Exclusivity wordings (one per line, case-insensitive)"),
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("A contract text containing any of these cannot be saved (rule 4)."),
    )

    class Meta:
        model = PipelineSettings
        fields = ["survey_min_completeness", "qualified_within_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["exclusivity_words"] = "\n".join(self.instance.exclusivity_words)
            if self.instance.updated_at:
                self.initial["version"] = self.instance.updated_at

    def clean_exclusivity_words(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["exclusivity_words"].splitlines()]


RED_FLAG_CHOICES = RedFlag.choices
