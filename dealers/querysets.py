from dealerhub.core.scoping import ScopedQuerySet


class CandidateQuerySet(ScopedQuerySet):
    territory_field = "market__territory"


class StageChangeQuerySet(ScopedQuerySet):
    territory_field = "candidate__market__territory"


class EvaluationQuerySet(ScopedQuerySet):
    territory_field = "candidate__market__territory"

    def submitted(self):
        return self.filter(submitted=True)


class SheetQuerySet(ScopedQuerySet):
    territory_field = "candidate__market__territory"


class ContractQuerySet(ScopedQuerySet):
    territory_field = "candidate__market__territory"


class DealerQuerySet(ScopedQuerySet):
    territory_field = "market__territory"

    def active(self):
        return self.filter(active=True)


class ScoreQuerySet(ScopedQuerySet):
    territory_field = "evaluation__candidate__market__territory"


class BlacklistMatchQuerySet(ScopedQuerySet):
    """Matches belong to the candidate that matched; the earlier veto may lie elsewhere."""

    territory_field = "candidate__market__territory"

    def open(self):
        return self.filter(status="open")
