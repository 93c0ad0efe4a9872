import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dealerhub.core.filters import SinceFilter

from .choices import CityTier, MarketStatus, OutletKind, TerritoryLevel
from .models import Market, Outlet, Territory


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
    updated_since = SinceFilter(field_name="updated_at", label=_("Updated since"))

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


def _province_choices(territories):
    return list(territories.filter(level=TerritoryLevel.PROVINCE).values_list("code", "name"))


def _city_choices(territories):
    """Cities that are markets or hold county markets (not every city in China)."""
    return list(
        territories.filter(level=TerritoryLevel.CITY)
        .filter(Q(market__isnull=False) | Q(children__market__isnull=False))
        .distinct()
        .order_by("code")
        .values_list("code", "name")
    )


def _visible_territories(request):
    """The territories the requesting user sees (none without a request): the filter
    offers only those, so a manager is never shown another region's names."""
    return Territory.objects.for_user(getattr(request, "user", None))


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
    # Choices are set per request in __init__ (scoped to the user's territories).
    province = django_filters.ChoiceFilter(
        choices=[], method="filter_node", label=_("Province"), empty_label=_("All")
    )
    city = django_filters.ChoiceFilter(
        choices=[], method="filter_node", label=_("City"), empty_label=_("All")
    )
    rep = django_filters.CharFilter(field_name="rep__username", label=_("Rep (username)"))
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    updated_since = SinceFilter(field_name="updated_at", label=_("Updated since"))

    class Meta:
        model = Market
        fields = ["q", "province", "city", "status", "level", "rep", "within", "updated_since"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territories = _visible_territories(self.request)
        for name, choices in (
            ("province", _province_choices(territories)),
            ("city", _city_choices(territories)),
        ):
            # Both: the field may already be built (a copy of the class's filter whose
            # field the schema generator created), and is otherwise built from extra.
            self.filters[name].extra["choices"] = choices
            self.filters[name].field.choices = choices

    def filter_node(self, queryset, name, value: str):
        node = _visible_territories(self.request).filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=node.path)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(territory__name__icontains=value) | Q(territory__code__startswith=value)
        )

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=node.path)


class OutletFilterSet(django_filters.FilterSet):
    """Shared by the market's outlet table, its Excel export and GET /api/v1/outlets/."""

    api_only_filters = ("updated_since", "within", "external_code")

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = django_filters.ChoiceFilter(
        choices=OutletKind.choices, label=_("Kind"), empty_label=_("All")
    )
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    external_code = django_filters.CharFilter(label=_("External code"))
    updated_since = SinceFilter(field_name="updated_at", label=_("Updated since"))

    class Meta:
        model = Outlet
        fields = ["q", "kind", "within", "external_code", "updated_since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(contact_name=value)
        )

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(territory__path__startswith=node.path)
