"""Reads for markets and territories, always through the user's scope."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .choices import MarketStatus
from .models import Market, Territory


def territory_list(*, user) -> QuerySet[Territory]:
    return Territory.objects.for_user(user).select_related("parent")


def market_list(*, user) -> QuerySet[Market]:
    return Market.objects.for_user(user).select_related("territory", "territory__parent", "rep")


def dashboard_summary(*, user) -> dict[str, object]:
    """Counts of markets per status in the user's scope, in pipeline order."""
    counts = dict(Market.objects.for_user(user).values_list("status").annotate(n=Count("id")))
    statuses = [
        {"value": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in MarketStatus
    ]
    return {
        "statuses": statuses,
        "market_total": sum(counts.values()),
        "territory_total": Territory.objects.for_user(user).count(),
    }
