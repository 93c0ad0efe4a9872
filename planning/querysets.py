from dealerhub.core.scoping import ScopedQuerySet


class RegionChildQuerySet(ScopedQuerySet):
    """Records of a whole region (plans, sub-regions): seen by those assigned the region
    (or HQ). A rep, assigned markets below it, reads only the grid rows of their markets
    (``planning.selectors.region_for_user``)."""

    territory_field = "region"


class FigureQuerySet(ScopedQuerySet):
    territory_field = "plan__region"


class TargetQuerySet(ScopedQuerySet):
    territory_field = "territory"


class RevisionQuerySet(ScopedQuerySet):
    territory_field = "target__territory"
