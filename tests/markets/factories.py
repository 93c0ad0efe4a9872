import datetime

import factory
from factory.django import DjangoModelFactory

from markets.choices import OutletKind
from markets.models import Competitor, CompetitorProduct, MarketSurvey, Outlet


class OutletFactory(DjangoModelFactory):
    class Meta:
        model = Outlet

    kind = OutletKind.KA_STORE
    name = factory.Sequence(lambda n: f"门店{n}")
    address = factory.Sequence(lambda n: f"测试路{n}号")


class SurveyFactory(DjangoModelFactory):
    class Meta:
        model = MarketSurvey

    surveyed_on = datetime.date(2026, 11, 1)


class CompetitorFactory(DjangoModelFactory):
    class Meta:
        model = Competitor

    brand = factory.Sequence(lambda n: f"竞品{n}")


class CompetitorProductFactory(DjangoModelFactory):
    class Meta:
        model = CompetitorProduct

    name = factory.Sequence(lambda n: f"产品{n}")
