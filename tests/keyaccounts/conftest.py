from dataclasses import dataclass
from decimal import Decimal

import pytest

from keyaccounts import services
from keyaccounts.models import KeyAccount, ScorecardTemplate

from .factories import KeyAccountFactory

MEASURES = {
    "annual_turnover": Decimal(350000),
    "growth_rate": Decimal(7),
    "dso_days": 35,
    "merchandising_share": Decimal("12.5"),
    "activity_share": Decimal(30),
    "skus_carried": 12,
    "buyer_relationship": 4,
}


@dataclass
class Accounts:
    shenzhen: KeyAccount
    changsha: KeyAccount


@pytest.fixture
def template(db) -> ScorecardTemplate:
    return services.default_template()


@pytest.fixture
def accounts(world) -> Accounts:
    """A chain managed from 深圳 and one managed from 长沙."""
    return Accounts(
        shenzhen=KeyAccountFactory(
            external_code="SZ-001", name="深圳华润万家", territory=world.shenzhen
        ),
        changsha=KeyAccountFactory(
            external_code="CS-001", name="长沙步步高", territory=world.changsha
        ),
    )
