import factory
from factory.django import DjangoModelFactory

from dealers.models import Candidate
from tests.factories import MarketFactory


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate
        django_get_or_create = ("external_code",)

    external_code = factory.Sequence(lambda n: f"C{1000 + n}")
    name = factory.Sequence(lambda n: f"测试商贸{n}号")
    market = factory.SubFactory(MarketFactory)
