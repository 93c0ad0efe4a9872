from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from keyaccounts import scoring
from keyaccounts.models import (
    Assessment,
    Contact,
    KeyAccount,
    OutletCard,
    SkuListing,
    TradeTerms,
)
from markets.models import Outlet

from ..factories import CityFactory


class KeyAccountFactory(DjangoModelFactory):
    class Meta:
        model = KeyAccount

    external_code = factory.Sequence(lambda n: f"KA{n:05d}")
    name = factory.Sequence(lambda n: f"测试连锁{n}")
    territory = factory.SubFactory(CityFactory)


class AssessmentFactory(DjangoModelFactory):
    """An assessment scored under the default template (pass the template in)."""

    class Meta:
        model = Assessment

    account = factory.SubFactory(KeyAccountFactory)
    year = 2025
    annual_turnover = Decimal(500000)
    growth_rate = Decimal(20)
    dso_days = 30
    merchandising_share = Decimal(22)
    activity_share = Decimal(40)
    skus_carried = 20
    buyer_relationship = 5
    attractiveness = Decimal(100)
    supportiveness = Decimal(100)
    quadrant = scoring.STAR


class TradeTermsFactory(DjangoModelFactory):
    class Meta:
        model = TradeTerms

    account = factory.SubFactory(KeyAccountFactory)
    year = 2025
    sales = Decimal(1000000)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(KeyAccountFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    dmu_role = "buyer"


class OutletFactory(DjangoModelFactory):
    class Meta:
        model = Outlet

    territory = factory.SubFactory(CityFactory)
    kind = "ka_store"
    name = factory.Sequence(lambda n: f"门店{n}")


class OutletCardFactory(DjangoModelFactory):
    class Meta:
        model = OutletCard

    account = factory.SubFactory(KeyAccountFactory)
    outlet = factory.SubFactory(OutletFactory)


class SkuListingFactory(DjangoModelFactory):
    class Meta:
        model = SkuListing

    account = factory.SubFactory(KeyAccountFactory)
    sku_code = factory.Sequence(lambda n: f"SKU{n}")
    sku_name = "测试产品"
    status = "listed"
