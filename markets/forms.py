from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .choices import (
    ASSESSMENT_ACTIONS,
    Channel,
    ChecklistKey,
    GoodsFlow,
    MarketStatus,
    TerritoryLevel,
)
from .models import (
    Competitor,
    Market,
    MarketPlan,
    MarketSurvey,
    Outlet,
    Territory,
    WholesaleMarket,
)


class MarketProfileForm(forms.ModelForm):
    """Profile fields of a market; `version` carries the timestamp the user saw."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    confirm_focus = forms.BooleanField(
        label=_("I confirm: this rep may hold more than three markets in trial/developing"),
        required=False,
    )

    class Meta:
        model = Market
        fields = ["rep", "income_level", "pillar_industries", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territory = self.instance.territory
        # Only reps whose territories cover this market can be assigned to it.
        candidates = get_user_model().objects.filter(role=Role.REP, is_active=True)
        self.fields["rep"].queryset = candidates.filter(
            territories__path__in=_ancestor_paths(territory.path)
        ).distinct()
        self.fields["rep"].label = _("Sales rep")
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at


class MarketOpenForm(forms.Form):
    """Open a market for a city or county in the manager's territories, held by a rep."""

    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.none(), to_field_name="code"
    )
    rep = forms.ModelChoiceField(label=_("Sales rep"), queryset=get_user_model().objects.none())
    income_level = forms.CharField(label=_("Income level"), max_length=100, required=False)
    pillar_industries = forms.CharField(
        label=_("Pillar industries"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_focus = forms.BooleanField(
        label=_("I confirm: this rep may hold more than three markets in trial/developing"),
        required=False,
    )

    def __init__(self, *args, user, territory: Territory | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        openable = (
            Territory.objects.for_user(user)
            .filter(level__in=[TerritoryLevel.CITY, TerritoryLevel.COUNTY], market__isnull=True)
            .order_by("path")
        )
        self.fields["territory"].queryset = openable
        self.fields["territory"].label_from_instance = lambda t: f"{t.name} ({t.code})"
        reps = get_user_model().objects.filter(role=Role.REP, is_active=True)
        if territory is not None:
            # Opened from the territory page: the territory is fixed, the reps cover it.
            self.fields["territory"].initial = territory.code
            self.fields["territory"].widget = forms.HiddenInput()
            reps = reps.filter(territories__path__in=_ancestor_paths(territory.path))
        elif not user.sees_everything:
            # Reps working somewhere in (or above) the manager's territories.
            scope = Q()
            for path in user.scope_paths:
                scope |= Q(territories__path__startswith=path)
                scope |= Q(territories__path__in=_ancestor_paths(path))
            reps = reps.filter(scope) if user.scope_paths else reps.none()
        self.fields["rep"].queryset = reps.distinct().order_by("username")


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MarketStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    override_reason = forms.CharField(
        label=_("Override reason (HQ admin only)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm_focus = forms.BooleanField(
        label=_("I confirm the rep may hold more than three markets in trial/developing"),
        required=False,
    )


class ChecklistTickForm(forms.Form):
    key = forms.ChoiceField(choices=ChecklistKey.choices, widget=forms.HiddenInput)
    met = forms.BooleanField(label=_("Met"), required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=500)


class MarketPlanForm(forms.ModelForm):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MarketPlan
        # channel_plan has its own per-channel inputs on the page.
        fields = [name for name in MarketPlan.PLAN_FIELDS if name != "channel_plan"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "schedule",
                    "entry_products",
                    "price_policy",
                    "promotion_plan",
                    "model_store_plan",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance
        self.channel_fields = []
        for channel in Channel:
            row = (plan.channel_plan or {}).get(channel.value) or {}
            for key, label in (("dealers", _("dealers")), ("outlets", _("outlets"))):
                name = f"ch_{channel.value}_{key}"
                self.fields[name] = forms.IntegerField(
                    label=f"{channel.label}: {label}", min_value=0, required=False
                )
                self.initial.setdefault(name, row.get(key))
                self.channel_fields.append(name)
        self.fields["working_capital"].help_text = _(
            "Empty: ¥500,000 for a key city, ¥200,000 otherwise."
        )
        if not self.is_bound and plan.pk:
            self.initial["version"] = plan.updated_at

    def plan_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        channel_plan = {}
        for channel in Channel:
            row = {
                key: data[f"ch_{channel.value}_{key}"]
                for key in ("dealers", "outlets")
                if data.get(f"ch_{channel.value}_{key}") is not None
            }
            if row:
                channel_plan[channel.value] = row
        values["channel_plan"] = channel_plan
        return values


class SurveyStartForm(forms.Form):
    surveyed_on = forms.DateField(
        label=_("Survey date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


SECTION_WIDGETS = {
    "population_notes": forms.Textarea(attrs={"rows": 2}),
    "other_fees": forms.Textarea(attrs={"rows": 2}),
    "residential_compounds": forms.Textarea(attrs={"rows": 2}),
    "big_employers": forms.Textarea(attrs={"rows": 2}),
    "cross_border_hubs": forms.Textarea(attrs={"rows": 2}),
}


def survey_section_form(section: str):
    """A ModelForm for the survey's own fields of one section; every field optional."""
    from .services import SURVEY_SECTION_FIELDS

    fields = list(SURVEY_SECTION_FIELDS[section])

    meta = type(
        "Meta",
        (),
        {
            "model": MarketSurvey,
            "fields": fields,
            "widgets": {name: SECTION_WIDGETS[name] for name in fields if name in SECTION_WIDGETS},
        },
    )

    class SectionForm(forms.ModelForm):
        version = forms.DateTimeField(widget=forms.HiddenInput, required=False)
        Meta = meta

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False
                if isinstance(field.widget, forms.NumberInput):
                    field.widget.attrs.setdefault("inputmode", "numeric")
            if not self.is_bound:
                self.initial["version"] = self.instance.updated_at

    return SectionForm


class CoordinatesMixin(forms.Form):
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )


class SurveyOutletForm(CoordinatesMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Full address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Owner / contact"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    field_order = ["name", "address", "contact_name", "contact_phone", "longitude", "latitude"]


class KAStoreForm(SurveyOutletForm):
    address = forms.CharField(label=_("Full address"), max_length=300)


class TraderForm(SurveyOutletForm):
    wholesale_market = forms.ModelChoiceField(
        label=_("Wholesale market"), queryset=WholesaleMarket.objects.none()
    )
    field_order = ["wholesale_market", "name", "contact_name", "contact_phone", "address"]


class WholesaleMarketForm(CoordinatesMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=300)
    goods_flow = forms.ChoiceField(label=_("Goods flow"), choices=GoodsFlow.choices)


class CompetitorForm(forms.Form):
    brand = forms.CharField(label=_("Brand"), max_length=100)
    estimated_monthly_volume = forms.DecimalField(
        label=_("Estimated monthly volume (¥)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    main_advantage = forms.CharField(label=_("Main advantage"), max_length=300, required=False)


class CompetitorProductForm(forms.Form):
    competitor = forms.ModelChoiceField(label=_("Brand"), queryset=Competitor.objects.none())
    name = forms.CharField(label=_("Product"), max_length=200)
    spec = forms.CharField(label=_("Pack spec"), max_length=100, required=False)
    price = forms.DecimalField(
        label=_("Price (¥)"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    is_new_launch = forms.BooleanField(label=_("New launch"), required=False)


class CompetitorPromotionForm(forms.Form):
    competitor = forms.ModelChoiceField(label=_("Brand"), queryset=Competitor.objects.none())
    seen_on = forms.DateField(
        label=_("Seen on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    outlet = forms.ModelChoiceField(
        label=_("Outlet"), queryset=Outlet.objects.none(), required=False
    )
    description = forms.CharField(label=_("Promotion"), max_length=300)
    photo = forms.FileField(label=_("Photo"), required=False)


class OutletImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))


class TrialShipmentForm(forms.Form):
    sub_wholesaler = forms.ModelChoiceField(
        label=_("Sub-wholesaler (二批商)"), queryset=Outlet.objects.none()
    )
    introduced_by = forms.CharField(
        label=_("Introduced by (central city dealer)"), max_length=200, required=False
    )
    shipped_on = forms.DateField(
        label=_("Shipped on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    product = forms.CharField(label=_("Product"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity (cases)"), min_value=1)
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=12, decimal_places=2, min_value=0)


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    estimated_monthly_volume = forms.DecimalField(
        label=_("Estimated monthly volume (¥)"), max_digits=12, decimal_places=2, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_rows = []
        for number, label in ASSESSMENT_ACTIONS:
            self.fields[f"rating_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {label}",
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "rating-choices"}),
            )
            self.fields[f"note_{number}"] = forms.CharField(
                label=_("Note"),
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Note")}),
            )
            self.fields[f"photo_{number}"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )
            self.action_rows.append(
                (self[f"rating_{number}"], self[f"note_{number}"], self[f"photo_{number}"])
            )
