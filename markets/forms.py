from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import Market


class MarketProfileForm(forms.ModelForm):
    """Profile fields of a market; `version` carries the timestamp the user saw."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

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


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]
