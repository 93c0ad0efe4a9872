"""Demo actuals: condiment SKUs and 18 months of sell-in and collections for the dealers of
developed (and stable) markets only; researching markets sell nothing. Spring Festival
(January/February) is the peak."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dealers.models import Dealer
from markets.choices import MarketStatus

from . import services
from .models import Product
from .rules import add_months

PRODUCTS = [
    # SKU, name, English, category, pack, list price, unit margin, factor
    ("JY-500", "特级生抽 500ml", "Premium light soy 500ml", "酱油", "500ml×12", 96, 30, "1.0000"),
    ("JY-1900", "特级生抽 1.9L", "Premium light soy 1.9L", "酱油", "1.9L×6", 150, 36, "1.9000"),
    ("JY-LC", "老抽 500ml", "Dark soy 500ml", "酱油", "500ml×12", 84, 11, "1.0000"),
    ("CU-420", "陈醋 420ml", "Aged vinegar 420ml", "醋", "420ml×12", 72, 16, "0.8400"),
    ("CU-2500", "米醋 2.5L", "Rice vinegar 2.5L", "醋", "2.5L×4", 88, 9, "1.6700"),
    ("TW-JJ", "鸡精 454g", "Chicken bouillon 454g", "调味料", "454g×20", 210, 70, "1.8200"),
    ("TW-HY", "蚝油 700g", "Oyster sauce 700g", "调味料", "700g×12", 120, 22, "1.4000"),
]
SELLING = (MarketStatus.DEVELOPED, MarketStatus.STABLE)
SEASON = {
    1: 1.8,
    2: 1.5,
    3: 0.8,
    4: 0.9,
    5: 0.9,
    6: 1.0,
    7: 0.9,
    8: 0.9,
    9: 1.2,
    10: 1.0,
    11: 1.0,
    12: 1.3,
}


def seed(*, password: str) -> str:
    for code, name, name_en, category, pack, price, margin, factor in PRODUCTS:
        services.product_save(
            product_id=Product.objects.filter(external_code=code)
            .values_list("pk", flat=True)
            .first(),
            values={
                "external_code": code,
                "name": name,
                "name_en": name_en,
                "category": category,
                "pack_size": pack,
                "unit": "箱",
                "list_price": Decimal(price),
                "unit_margin": Decimal(margin),
                "standard_factor": Decimal(factor),
                "margin_class": "",
                "life_cycle": "growth",
            },
        )
    dealers = list(Dealer.objects.filter(market__status__in=SELLING, active=True).order_by("pk"))
    rng = random.Random(12)  # noqa: S311 - demo data
    start = add_months(timezone.localdate().replace(day=1), -18)
    lines, payments = [], []
    for dealer in dealers:
        for step in range(18):
            month = add_months(start, step)
            billed = Decimal(0)
            for code, _n, _e, _c, _p, price, _m, _f in PRODUCTS:
                cases = int(rng.randint(20, 60) * SEASON[month.month])
                value = Decimal(cases * price)
                billed += value
                lines.append(
                    {
                        "external_code": f"DEMO-{dealer.external_code}-{month:%Y%m}-{code}",
                        "dealer": dealer.external_code,
                        "product": code,
                        "date": month + datetime.timedelta(days=rng.randint(0, 25)),
                        "quantity": Decimal(cases),
                        "value": value,
                        "lot_codes": [f"{code}-{month:%y%m}"],
                    }
                )
            payments.append(
                {
                    "external_code": f"DEMO-{dealer.external_code}-{month:%Y%m}-PAY",
                    "dealer": dealer.external_code,
                    "date": month + datetime.timedelta(days=27),
                    "amount": (billed * Decimal("0.95")).quantize(Decimal("0.01")),
                    "reference": f"银行回单 {month:%Y%m}",
                }
            )
    with transaction.atomic():
        for first in range(0, len(lines), 1000):
            services.sell_in_lines_upsert(records=lines[first : first + 1000], allowed_paths=None)
        services.collections_upsert(records=payments, allowed_paths=None)
    services.summaries_refresh()
    return f"{len(PRODUCTS)} SKUs, {len(lines)} sell-in lines, {len(payments)} collections"
