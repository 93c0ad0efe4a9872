import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.filters import SinceFilter
from markets.models import Territory

from .choices import AccountFormat, Quadrant
from .models import KeyAccount


class KeyAccountFilterSet(django_filters.FilterSet):
    """Shared by the key-account list page and GET /api/v1/key-accounts/."""

    api_only_filters = ("updated_since", "within")

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )
    format = django_filters.ChoiceFilter(
        choices=AccountFormat.choices, label=_("Format"), empty_label=_("All")
    )
    quadrant = django_filters.ChoiceFilter(
        field_name="latest_quadrant",
        choices=Quadrant.choices,
        label=_("Latest quadrant"),
        empty_label=_("All"),
    )
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    updated_since = SinceFilter(field_name="updated_at", label=_("Updated since"))

    class Meta:
        model = KeyAccount
        fields = ["q", "format", "quadrant", "within", "updated_since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(external_code__istartswith=value))

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        # National accounts are within a territory that holds one of their stores.
        return queryset.within_paths([node.path])
