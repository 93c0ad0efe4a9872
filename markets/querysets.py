from dealerhub.core.scoping import ScopedQuerySet


class TerritoryQuerySet(ScopedQuerySet):
    territory_field = ""

    def subtree(self, territory):
        """The node and everything below it, by materialised path: one query."""
        return self.filter(path__startswith=territory.path)


class MarketQuerySet(ScopedQuerySet):
    territory_field = "territory"


class OutletQuerySet(ScopedQuerySet):
    territory_field = "territory"


class MarketChildQuerySet(ScopedQuerySet):
    """Records hanging off a market (plans, surveys, competitors, shipments...)."""

    territory_field = "market__territory"


class CompetitorPartQuerySet(ScopedQuerySet):
    territory_field = "competitor__market__territory"


class OutletChildQuerySet(ScopedQuerySet):
    territory_field = "outlet__territory"


class RatingQuerySet(ScopedQuerySet):
    territory_field = "assessment__outlet__territory"
