"""How the contract test drives each registered sync resource.

Every resource in ``dealerhub.core.api.sync.REGISTRY`` needs an entry in
:data:`RESOURCES` (a test fails for a resource without one): its detail URL, a valid
body to create a record, a partial body that changes one field, a field that the
partial body leaves out (and so must keep its value), and where a body points outside
a token's territories (the test tokens see 广东 only; 湖南 / 长沙 is outside).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dealers.models import Dealer
from keyaccounts.models import KeyAccount
from markets.models import MarketSurvey
from sales.models import Product

from ..factories import CountyFactory

MEASURES = {
    "annual_turnover": "1200000.00",
    "growth_rate": "8.50",
    "dso_days": 45,
    "merchandising_share": "20.00",
    "activity_share": "15.00",
    "skus_carried": 40,
    "buyer_relationship": 4,
    "inventory_days": 12,
}


@dataclass
class Resource:
    name: str
    path: str  # detail URL with {key}
    keys: list[str]  # keys of new records inside the token's scope
    outside_key: str  # a key whose record lies outside the token's scope
    kept: tuple[str, Any]  # a field the create body sends and the partial body leaves out
    changed: str  # the field the partial body changes
    bulk: str | None = None
    deletable: bool = False
    key_field: str = "external_code"
    territorial: bool = True  # False for company-wide master data (products)
    extra: dict = field(default_factory=dict)

    def url(self, key: str) -> str:
        return "/api/v1/" + self.path.format(key=key)

    # --- bodies ---------------------------------------------------------------------------

    def body(self, key: str, *, inside: bool = True) -> dict:
        return BODIES[self.name](key, inside)

    def partial(self, value) -> dict:
        return {self.changed: value}

    def record(self, key: str, *, inside: bool = True) -> dict:
        return {self.key_field: key, **self.body(key, inside=inside)}

    # --- requests (surveys are created by POST and addressed by id) -----------------------

    def create(self, client, key: str, *, inside: bool = True, **headers):
        if self.name == "surveys":
            return client.post(
                "/api/v1/surveys/", self.body(key, inside=inside), format="json", **headers
            )
        return client.put(self.url(key), self.body(key, inside=inside), format="json", **headers)

    def detail(self, key: str) -> str:
        if self.name == "surveys":
            survey = MarketSurvey.objects.filter(external_code=key).first()
            return f"/api/v1/surveys/{survey.pk if survey else 999999}"
        return self.url(key)

    def write(self, client, key: str, body: dict, **headers):
        if self.name == "surveys":
            return client.patch(self.detail(key), body, format="json", **headers)
        return client.put(self.url(key), body, format="json", **headers)

    def read(self, client, key: str):
        return client.get(self.detail(key))


def _territory(key, inside):
    return {
        "name": f"区{key}",
        "level": "county",
        "parent": "440300" if inside else "430100",
        "longitude": "113.900000",
        "latitude": "22.500000",
    }


BODIES = {
    "territories": _territory,
    "outlets": lambda key, inside: {
        "territory": "440300" if inside else "430100",
        "kind": "ka_store",
        "name": f"门店{key}",
        "address": "深南大道1号",
    },
    "dealers": lambda key, inside: {
        "name": f"经销商{key}",
        "market": "440300" if inside else "430100",
        "since": "2026-01-01",
        "address": "深南大道2号",
    },
    "dealer-candidates": lambda key, inside: {
        "name": f"候选{key}",
        "market": "440300" if inside else "430100",
        "address": "深南大道3号",
    },
    "key-accounts": lambda key, inside: {
        "name": f"连锁{key}",
        "territory": "440300" if inside else "430100",
        "address": "深南大道4号",
    },
    "surveys": lambda key, inside: {
        "market": "440300" if inside else "430100",
        "external_code": key,
        "surveyed_on": "2026-11-01",
        "population_notes": "城区人口密集",
    },
    "market-plans": lambda key, inside: {
        "promotion_plan": "开业促销",
        "planned_dealer_count": 2,
    },
    "key-account-assessments": lambda key, inside: dict(MEASURES),
    # A market is keyed by its territory: the key itself says inside or outside.
    "markets": lambda key, inside: {"income_level": "中等", "pillar_industries": "电子信息"},
    # A target's key names its market, so a key outside the token's scope is the foreign one.
    "targets": lambda key, inside: {"value": "1000", "note": "年度目标"},
    "products": lambda key, inside: {
        "name": f"生抽{key}",
        "category": "酱油",
        "pack_size": "500ml×12",
        "list_price": "120.00",
        "unit_margin": "30.00",
        "standard_factor": "1.0000",
    },
    "sell-in-lines": lambda key, inside: {
        "dealer": "HOME" if inside else "AWAY",
        "product": "SKU-1",
        "date": "2026-01-15",
        "quantity": "10.00",
        "value": "1200.00",
        "lot_codes": ["L260101"],
    },
    "collections": lambda key, inside: {
        "dealer": "HOME" if inside else "AWAY",
        "amount": "5000.00",
        "date": "2026-01-20",
        "reference": "BANK-1",
    },
}


RESOURCES = {
    resource.name: resource
    for resource in [
        Resource(
            name="territories",
            path="territories/{key}",
            keys=["440311", "440312", "440313", "440314"],
            outside_key="430111",
            kept=("longitude", "113.900000"),
            changed="name",
            bulk="territories/bulk",
            key_field="code",
        ),
        Resource(
            name="outlets",
            path="outlets/{key}",
            keys=["O-1", "O-2", "O-3", "O-4"],
            outside_key="O-X",
            kept=("address", "深南大道1号"),
            changed="name",
            bulk="outlets/bulk",
        ),
        Resource(
            name="dealers",
            path="dealers/{key}",
            keys=["D-1", "D-2", "D-3", "D-4"],
            outside_key="D-X",
            kept=("address", "深南大道2号"),
            changed="name",
            bulk="dealers/bulk",
            deletable=True,
        ),
        Resource(
            name="dealer-candidates",
            path="dealer-candidates/{key}",
            keys=["C-1", "C-2", "C-3", "C-4"],
            outside_key="C-X",
            kept=("address", "深南大道3号"),
            changed="name",
            bulk="dealer-candidates/bulk",
        ),
        Resource(
            name="key-accounts",
            path="key-accounts/{key}",
            keys=["KA-1", "KA-2", "KA-3", "KA-4"],
            outside_key="KA-X",
            kept=("address", "深南大道4号"),
            changed="name",
            bulk="key-accounts/bulk",
        ),
        Resource(
            name="surveys",
            path="surveys/{key}",
            keys=["S-1", "S-2"],
            outside_key="S-X",
            kept=("population_notes", "城区人口密集"),
            changed="hotel_count",
        ),
        Resource(
            name="market-plans",
            path="market-plans/{key}",
            keys=["440300", "440305", "440100"],
            outside_key="430100",
            kept=("promotion_plan", "开业促销"),
            changed="planned_dealer_count",
        ),
        Resource(
            name="key-account-assessments",
            path="key-accounts/{key}",
            keys=["HOME/assessments/2025", "HOME/assessments/2026"],
            outside_key="AWAY/assessments/2026",
            kept=("inventory_days", 12),
            changed="dso_days",
        ),
        Resource(
            name="markets",
            path="markets/{key}",
            keys=["440303", "440304", "440306", "440307"],
            outside_key="430102",
            kept=("pillar_industries", "电子信息"),
            changed="income_level",
        ),
        Resource(
            name="targets",
            path="targets/{key}",
            # keys[2] is the bulk test's foreign record: its key names 长沙, outside 广东.
            keys=[
                "2026-01-sell_in_value-440300",
                "2026-02-standard_units-440300",
                "2026-01-sell_in_value-430100",
                "2026-03-collections-440100",
            ],
            outside_key="2026-01-sell_in_value-430100",
            kept=("note", "年度目标"),
            changed="value",
            bulk="targets/bulk",
        ),
        Resource(
            name="products",
            path="products/{key}",
            keys=["SKU-A", "SKU-B", "SKU-C", "SKU-D"],
            outside_key="SKU-X",
            kept=("pack_size", "500ml×12"),
            changed="name",
            bulk="products/bulk",
            territorial=False,
        ),
        Resource(
            name="sell-in-lines",
            path="sell-in-lines/{key}",
            keys=["L-1", "L-2", "L-3", "L-4"],
            outside_key="L-X",
            kept=("lot_codes", ["L260101"]),
            changed="quantity",
            bulk="sell-in-lines/bulk",
            deletable=True,
        ),
        Resource(
            name="collections",
            path="collections/{key}",
            keys=["P-1", "P-2", "P-3", "P-4"],
            outside_key="P-X",
            kept=("reference", "BANK-1"),
            changed="amount",
            bulk="collections/bulk",
            deletable=True,
        ),
    ]
}


def prepare(resource: Resource, world) -> None:
    """Records a resource's keys hang off (the accounts assessments belong to, the
    territories markets are opened for)."""
    if resource.name == "markets":
        for code in resource.keys:
            CountyFactory(code=code, parent=world.shenzhen)
        CountyFactory(code=resource.outside_key, parent=world.changsha)
    if resource.name == "key-account-assessments":
        KeyAccount.objects.get_or_create(
            external_code="HOME", defaults={"name": "本地连锁", "territory": world.shenzhen}
        )
        KeyAccount.objects.get_or_create(
            external_code="AWAY", defaults={"name": "外地连锁", "territory": world.changsha}
        )
    if resource.name in ("sell-in-lines", "collections"):
        for code, market in (("HOME", world.shenzhen_market), ("AWAY", world.changsha_market)):
            Dealer.objects.get_or_create(
                external_code=code,
                defaults={"name": code, "market": market, "since": datetime.date(2025, 1, 1)},
            )
        Product.objects.get_or_create(
            external_code="SKU-1",
            defaults={
                "name": "生抽",
                "category": "酱油",
                "list_price": 120,
                "unit_margin": 30,
                "standard_factor": 1,
                "margin_class": "thin",
            },
        )


def changed_values(resource: Resource, count: int) -> list:
    """``count`` distinct values for the changed field, none equal to the value the create
    body sends: writing the stored value is an ``unchanged`` write, which keeps the ETag
    (so a racing writer holding that ETag rightly wins too)."""
    created = str(resource.body(resource.keys[0]).get(resource.changed))
    if resource.changed in ("name", "income_level"):
        candidates: Iterator[object] = (f"改名{i}" for i in itertools.count())
    elif resource.changed in ("quantity", "amount"):  # decimals read back as strings
        candidates = (f"{i}.00" for i in itertools.count(3))
    elif resource.name == "targets":  # whole-yuan decimals, as strings
        candidates = (str(i) for i in itertools.count(3))
    else:
        candidates = itertools.count(3)
    return list(itertools.islice((v for v in candidates if str(v) != created), count))
