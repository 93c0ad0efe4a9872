from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dealers.defaults import DEFAULT_TEMPLATE_NAME
from dealers.models import Candidate, Evaluation, ScorecardTemplate
from tests.factories import MarketFactory


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate
        django_get_or_create = ("external_code",)

    external_code = factory.Sequence(lambda n: f"C{1000 + n}")
    name = factory.Sequence(lambda n: f"测试商贸{n}号")
    market = factory.SubFactory(MarketFactory)


class EvaluationFactory(DjangoModelFactory):
    """A submitted scorecard with the decision given (the scorer's own tests cover how a
    decision is reached; pipeline tests need one of each)."""

    class Meta:
        model = Evaluation

    candidate = factory.SubFactory(CandidateFactory)
    template = factory.LazyFunction(
        lambda: ScorecardTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME, status="published")
    )
    submitted = True
    decision = "recommended"
    total = factory.LazyAttribute(lambda o: Decimal(70))
