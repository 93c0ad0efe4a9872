from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from markets.models import Outlet, Territory

from . import scoring
from .choices import Axis, CriterionKind, Measure
from .models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    SkuListing,
    TradeTerms,
)
from .services import MEASURE_FIELDS, POINT_FIELDS


class AccountProfileForm(forms.ModelForm):
    """The account profile; `version` carries the timestamp the user saw."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KeyAccount
        fields = ["rep", *KeyAccount.PROFILE_FIELDS]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "group_structure",
                "purchasing_policy",
                "distribution_policy",
                "display_policy",
                "pop_policy",
                "promotion_policy",
                "price_policy",
                "positioning",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = get_user_model().objects.filter(
            role__in=[Role.REP, Role.MANAGER], is_active=True
        )
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at


class AssessmentForm(forms.ModelForm):
    """Raw measures of one year; scores are computed, never typed."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = Assessment
        fields = [*MEASURE_FIELDS, *POINT_FIELDS]


class MatrixFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Territory.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All in my scope"),
    )

    def __init__(self, *args, user, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        # Regions that hold accounts: their home territories (national accounts: their
        # stores' territories) and the provinces and cities above them (three queries).
        accounts = KeyAccount.objects.for_user(user)
        paths = set(accounts.values_list("territory__path", flat=True))
        paths |= set(
            OutletCard.objects.filter(
                account__in=accounts.filter(territory__isnull=True)
            ).values_list("outlet__territory__path", flat=True)
        )
        codes = {code for path in paths if path for code in path.split("/") if code}
        self.fields["region"].queryset = (
            Territory.objects.for_user(user)
            .filter(code__in=codes, level__in=["province", "city"])
            .order_by("path")
        )


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    threshold_attractiveness = forms.DecimalField(
        label=_("Attractiveness threshold"), min_value=0, max_value=100, decimal_places=2
    )
    threshold_supportiveness = forms.DecimalField(
        label=_("Supportiveness threshold"), min_value=0, max_value=100, decimal_places=2
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    make_default = forms.BooleanField(
        label=_("Make it the default and recompute all assessments"), required=False
    )


class CriterionForm(forms.Form):
    # Blank first choices, so the empty extra rows submit nothing and are skipped.
    axis = forms.ChoiceField(label=_("Axis"), choices=[("", "—"), *Axis.choices])
    measure = forms.ChoiceField(label=_("Criterion"), choices=[("", "—"), *Measure.choices])
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)
    kind = forms.ChoiceField(label=_("Banding"), choices=[("", "—"), *CriterionKind.choices])
    edge_1 = forms.DecimalField(label=_("Edge 1"), required=False, decimal_places=2)
    edge_2 = forms.DecimalField(label=_("Edge 2"), required=False, decimal_places=2)
    edge_3 = forms.DecimalField(label=_("Edge 3"), required=False, decimal_places=2)
    edge_4 = forms.DecimalField(label=_("Edge 4"), required=False, decimal_places=2)

    def as_criterion(self) -> scoring.Criterion:
        data = self.cleaned_data
        edges = ()
        if data["kind"] != scoring.DIRECT_RATING:
            edges = tuple(data[f"edge_{i}"] for i in range(1, 5))
        return scoring.Criterion(data["measure"], data["axis"], data["weight"], data["kind"], edges)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


# --- Account records entered on the account page ----------------------------------------


def _editable_fields(model) -> list[str]:
    """Every field a person enters: not the owning account, ids or timestamps."""
    skip = {"id", "account", "created_at", "updated_at"}
    return [f.name for f in model._meta.fields if f.editable and f.name not in skip]


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version (updated_at) the user saw."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.updated_at


class AccountCreateForm(forms.ModelForm):
    """A new account; HQ may leave the home territory empty for a national account."""

    class Meta:
        model = KeyAccount
        fields = ["external_code", "name", "format", "territory", "address", "phone"]

    def __init__(self, *args, user, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territory"]
        field.queryset = Territory.objects.for_user(user).filter(
            level__in=["province", "city", "county"]
        )
        field.required = not national
        if national:
            field.empty_label = _("— national account (several regions) —")
            field.help_text = _("Leave empty for a chain present in several regions.")


class AccountYearForm(forms.ModelForm):
    class Meta:
        model = AccountYear
        fields = _editable_fields(AccountYear)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "main_skus",
                "new_products",
                "promotions",
                "discounts",
                "premiums",
                "floor_stacks",
            )
        }


AccountYearFormSet = forms.modelformset_factory(
    AccountYear, form=AccountYearForm, extra=1, can_delete=False
)


class TradeTermsForm(VersionedModelForm):
    class Meta:
        model = TradeTerms
        fields = _editable_fields(TradeTerms)


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = _editable_fields(Contact)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        others = Contact.objects.filter(account=account)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others


class SkuListingForm(VersionedModelForm):
    class Meta:
        model = SkuListing
        fields = _editable_fields(SkuListing)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "features_usp",
                "positioning",
                "market_data",
                "introduction_plan",
                "promotion_plan",
            )
        }


class OutletCardForm(VersionedModelForm):
    class Meta:
        model = OutletCard
        fields = _editable_fields(OutletCard)
        widgets = {"contacts": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # KA stores in the user's scope that have no card yet (or this card's own store).
        outlets = Outlet.objects.for_user(user).filter(kind="ka_store")
        free = Q(ka_card__isnull=True)
        if self.instance.pk:
            free |= Q(pk=self.instance.outlet_id)
        self.fields["outlet"].queryset = outlets.filter(free).order_by("name")


class ComparisonForm(forms.ModelForm):
    class Meta:
        model = CompetitorComparison
        fields = ["aspect", "ours", "competitor_1", "competitor_2"]
        widgets = {"aspect": forms.HiddenInput}


ComparisonFormSet = forms.modelformset_factory(
    CompetitorComparison, form=ComparisonForm, extra=0, can_delete=False
)
