import django_filters
from django.utils.translation import gettext_lazy as _

from dealerhub.core.filters import IntegerFilter, SinceFilter

from .choices import Measure
from .models import Target


class TargetFilterSet(django_filters.FilterSet):
    """GET /api/v1/targets/: by year, measure, market and, for incremental pulls, time."""

    year = IntegerFilter()
    measure = django_filters.ChoiceFilter(choices=Measure.choices)
    territory = django_filters.CharFilter(field_name="territory__code", label=_("Territory code"))
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Target
        fields = ["year", "measure", "territory", "updated_since"]
