from django import forms
from django.utils.translation import gettext_lazy as _

from markets.models import Territory

from .choices import Access, WebhookEvent
from .models import ALL, RESOURCES

NO_ACCESS = ""


class ApiClientForm(forms.Form):
    """A new ERP client: name, what it may touch, where, and how fast."""

    name = forms.CharField(label=_("Name"), max_length=100)
    all_resources = forms.ChoiceField(
        label=_("All resources"),
        choices=[(NO_ACCESS, _("Choose per resource")), *Access.choices],
        required=False,
    )
    all_territories = forms.BooleanField(label=_("All territories"), required=False, initial=True)
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories"),
        queryset=Territory.objects.filter(level__in=["province", "city"]).order_by("path"),
        required=False,
        help_text=_("Used when 'All territories' is off: the client sees these and below."),
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=100_000, initial=1200
    )
    token_expires_at = forms.DateTimeField(
        label=_("Token expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in RESOURCES:
            self.fields[f"scope_{name}"] = forms.ChoiceField(
                label=label, choices=[(NO_ACCESS, _("No access")), *Access.choices], required=False
            )

    def scope_fields(self):
        return [self[f"scope_{name}"] for name, _label in RESOURCES]

    def clean(self):
        data = super().clean()
        if not data.get("all_territories") and not data.get("territories"):
            self.add_error("territories", _("Choose territories or allow all territories."))
        scopes = {}
        if data.get("all_resources"):
            scopes[ALL] = data["all_resources"]
        for name, _label in RESOURCES:
            if data.get(f"scope_{name}"):
                scopes[name] = data[f"scope_{name}"]
        if not scopes:
            raise forms.ValidationError(_("Give the client access to at least one resource."))
        data["resource_scopes"] = scopes
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class SubscriptionForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), choices=WebhookEvent.choices)
    url = forms.URLField(label=_("Receiver URL"), max_length=500, assume_scheme="https")
