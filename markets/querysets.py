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
