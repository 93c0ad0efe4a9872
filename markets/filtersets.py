import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import CityTier, MarketStatus, TerritoryLevel
from .models import Market, Territory


class TerritoryFilterSet(django_filters.FilterSet):
    """Shared by the territory list page and GET /api/v1/territories/."""

    api_only_filters = ("updated_since", "parent", "within")

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )
    level = django_filters.ChoiceFilter(
        choices=TerritoryLevel.choices, label=_("Level"), empty_label=_("All")
    )
    tier = django_filters.ChoiceFilter(
        choices=CityTier.choices, label=_("City tier"), empty_label=_("All")
    )
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"))
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since")
    )

    class Meta:
        model = Territory
        fields = ["q", "level", "tier", "parent", "within", "updated_since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(path__startswith=node.path)


class MarketFilterSet(django_filters.FilterSet):
    api_only_filters = ("updated_since", "within")

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )
    status = django_filters.ChoiceFilter(
        choices=MarketStatus.choices, label=_("Status"), empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(
        field_name="territory__level",
        choices=[
            (TerritoryLevel.CITY, TerritoryLevel.CITY.label),
            (TerritoryLevel.COUNTY, TerritoryLevel.COUNTY.label),
        ],
        label=_("Level"),
        empty_label=_("All"),
    )
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since")
    )

    class Meta:
        model = Market
        fields = ["q", "status", "level", "within", "updated_since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(territory__name__icontains=value) | Q(territory__code__startswith=value)
        )

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=node.path)
