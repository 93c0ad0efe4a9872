import datetime

import factory
from factory.django import DjangoModelFactory

from dealers.models import Dealer


class DealerFactory(DjangoModelFactory):
    class Meta:
        model = Dealer

    name = factory.Sequence(lambda n: f"经销商{n}")
    external_code = factory.Sequence(lambda n: f"D-{n:04d}")
    since = datetime.date(2024, 1, 1)
