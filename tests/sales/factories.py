import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from dealers.models import Dealer
from sales.models import Product


class DealerFactory(DjangoModelFactory):
    class Meta:
        model = Dealer
        django_get_or_create = ("external_code",)

    external_code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"经销商{n}")
    since = datetime.date(2024, 1, 1)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("external_code",)

    external_code = factory.Sequence(lambda n: f"SKU{n:04d}")
    name = "生抽 500ml"
    category = "酱油"
    pack_size = "500ml×12"
    unit = "箱"
    list_price = Decimal("120.00")
    unit_margin = Decimal("30.00")
    standard_factor = Decimal("1.0000")
    margin_class = "thin"
