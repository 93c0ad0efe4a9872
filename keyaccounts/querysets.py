from django.db.models import OuterRef, Subquery

from dealerhub.core.scoping import ScopedQuerySet


class KeyAccountQuerySet(ScopedQuerySet):
    territory_field = "territory"

    def with_latest_assessment(self):
        """Annotate the latest assessed year, its quadrant and scores (subqueries, no N+1)."""
        from .models import Assessment

        latest = Assessment.objects.filter(account=OuterRef("pk")).order_by("-year")
        return self.annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_quadrant=Subquery(latest.values("quadrant")[:1]),
            latest_attractiveness=Subquery(latest.values("attractiveness")[:1]),
            latest_supportiveness=Subquery(latest.values("supportiveness")[:1]),
        )


class AccountChildQuerySet(ScopedQuerySet):
    """Rows that belong to one key account are scoped by the account's home territory."""

    territory_field = "account__territory"


class OutletYearQuerySet(ScopedQuerySet):
    territory_field = "card__account__territory"
