import django_filters
from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from dealerhub.core.filters import SinceFilter
from markets.models import Territory

from .choices import Decision, Source, Stage
from .models import Candidate


class CandidateFilterSet(django_filters.FilterSet):
    """Shared by the candidate list page and GET /api/v1/dealer-candidates/."""

    api_only_filters = ("updated_since", "within")

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("Stage"), empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        choices=Source.choices, label=_("Source"), empty_label=_("All")
    )
    decision = django_filters.ChoiceFilter(
        method="filter_decision",
        choices=Decision.choices,
        label=_("Decision"),
        empty_label=_("All"),
    )
    market = django_filters.CharFilter(field_name="market__territory__code", label=_("Market code"))
    within = django_filters.CharFilter(method="filter_within", label=_("Within (code)"))
    updated_since = SinceFilter(field_name="updated_at", label=_("Updated since"))

    class Meta:
        model = Candidate
        fields = ["q", "stage", "source", "decision", "market", "within", "updated_since"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(external_code__istartswith=value)
            | Q(market__territory__name__icontains=value)
        )

    def filter_decision(self, queryset, name, value):
        from .models import Evaluation

        latest = (
            Evaluation.objects.filter(candidate=OuterRef("pk"), submitted=True)
            .order_by("-created_at", "-id")
            .values("decision")[:1]
        )
        return queryset.annotate(_latest_decision=Subquery(latest)).filter(_latest_decision=value)

    def filter_within(self, queryset, name, value):
        node = Territory.objects.filter(code=value).only("path").first()
        if node is None:
            return queryset.none()
        return queryset.filter(market__territory__path__startswith=node.path)
