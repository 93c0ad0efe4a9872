import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from markets.choices import MarketStatus, TerritoryLevel
from markets.models import PATH_SEPARATOR, Market, Territory


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{900000 + n}")
    name = factory.Sequence(lambda n: f"测试地区{n}")
    level = TerritoryLevel.PROVINCE
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        kwargs["path"] = (parent.path if parent else "") + kwargs["code"] + PATH_SEPARATOR
        kwargs["depth"] = parent.depth + 1 if parent else 0
        return super()._create(model_class, *args, **kwargs)


class ProvinceFactory(TerritoryFactory):
    level = TerritoryLevel.PROVINCE


class CityFactory(TerritoryFactory):
    level = TerritoryLevel.CITY
    parent = factory.SubFactory(ProvinceFactory)
    tier = "tier3"


class CountyFactory(TerritoryFactory):
    level = TerritoryLevel.COUNTY
    parent = factory.SubFactory(CityFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.REP
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create and extracted:
            self.territories.set(extracted)


class MarketFactory(DjangoModelFactory):
    class Meta:
        model = Market

    territory = factory.SubFactory(CityFactory)
    status = MarketStatus.BLANK
