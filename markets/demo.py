"""Demo territories (the bundled real administrative divisions) and markets."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from accounts.models import User

from .choices import MarketStatus
from .models import (
    Competitor,
    CompetitorProduct,
    Market,
    MarketPlan,
    MarketStatusChange,
    MarketSurvey,
    Outlet,
    Territory,
    WholesaleMarket,
)
from .services import (
    RatingInput,
    assessment_create,
    refresh_territory_counts,
    survey_refresh_completeness,
    territories_import,
    trial_shipment_create,
)

TERRITORY_CSV = Path(settings.BASE_DIR) / "data" / "territories.csv"

MARKETS = [
    # territory code, status, rep username, reason, income level, pillar industries
    ("440100", MarketStatus.STABLE, "rep3", "", "高", "汽车、电子、商贸"),
    ("440300", MarketStatus.DEVELOPED, "rep", "", "高", "电子信息、金融、物流"),
    ("440306", MarketStatus.DEVELOPING, "rep", "", "高", "电子制造"),
    ("440307", MarketStatus.RESEARCHING, "rep", "", "高", "电子制造、物流"),
    ("441900", MarketStatus.TRIAL, "rep", "", "中高", "电子、家具、服装"),
    ("440600", MarketStatus.DEVELOPING, "rep3", "", "中高", "家电、陶瓷、机械"),
    ("440605", MarketStatus.RESEARCHING, "rep3", "", "中高", "家电、纺织"),
    ("441300", MarketStatus.BLANK, None, "", "中", "石化、电子"),
    ("440500", MarketStatus.PAUSED, None, "暂无合适经销商，待重新招商", "中", "玩具、纺织"),
    ("430100", MarketStatus.DEVELOPING, "rep2", "", "中高", "工程机械、食品"),
    ("430121", MarketStatus.RESEARCHING, "rep2", "", "中", "农业、食品加工"),
    ("430181", MarketStatus.BLANK, "rep2", "", "中", "花炮、生物医药"),
    ("430200", MarketStatus.RESEARCHING, None, "", "中", "轨道交通、冶金"),
    ("430300", MarketStatus.BLANK, None, "", "中", "钢铁、机电"),
]


def seed_territories(*, password: str) -> str:
    if Territory.objects.filter(code="440000").exists():
        return "territories already present"
    report = territories_import(text=TERRITORY_CSV.read_text(encoding="utf-8"))
    if not report.ok:
        raise RuntimeError(f"The bundled territory CSV is invalid: {report.errors[:5]}")
    refresh_territory_counts()
    return f"{report.total_rows} territories"


def seed_markets(*, password: str) -> str:
    territories = {t.code: t for t in Territory.objects.filter(code__in=[m[0] for m in MARKETS])}
    reps = {u.username: u for u in User.objects.filter(username__in={m[2] for m in MARKETS})}
    for code, status, rep, reason, income, industries in MARKETS:
        _upsert(
            Market,
            territory=territories[code],
            defaults={
                "status": status,
                "rep": reps.get(rep),
                "status_reason": reason,
                "income_level": income,
                "pillar_industries": industries,
            },
        )
    research = seed_research()
    return f"{len(MARKETS)} markets; {research}"


# --- Research and development data (idempotent: natural keys + update_or_create) ----------

PLANS = {
    # code: (channel model, dealers, {channel: (dealers, outlets)}, KA planned, capital, m², per wk)
    "440100": (
        "several",
        3,
        {"ka": (1, 60), "traditional": (1, 300), "catering": (1, 400)},
        40,
        Decimal("800000"),
        Decimal("600"),
        150,
    ),
    "440300": (
        "several",
        2,
        {"ka": (1, 45), "traditional": (1, 260), "catering": (1, 300)},
        30,
        None,
        Decimal("500"),
        120,
    ),
    "441900": ("single", 1, {"ka": (1, 20), "traditional": (1, 150)}, 12, None, Decimal("300"), 60),
    "440600": (
        "single",
        1,
        {"ka": (1, 25), "traditional": (1, 180), "catering": (0, 120)},
        15,
        None,
        Decimal("350"),
        70,
    ),
    "430100": (
        "several",
        2,
        {"ka": (1, 30), "traditional": (1, 220), "canteen": (1, 40)},
        20,
        None,
        Decimal("400"),
        90,
    ),
    "440306": ("single", 1, {"traditional": (1, 80), "catering": (1, 90)}, 6, None, None, 40),
}

STREETS = ["中山路", "人民路", "解放大道", "建设路"]
KA_CHAINS = [
    "沃尔玛",
    "华润万家",
    "永辉超市",
    "天虹商场",
    "大润发",
    "山姆会员店",
    "盒马鲜生",
    "步步高",
]
CATERING = ["老字号卤味", "客家菜馆", "湘菜馆", "潮汕牛肉火锅", "粤式茶楼", "烧腊店"]
CANTEENS = ["第一中学食堂", "工业园员工食堂", "区政府机关食堂", "人民医院食堂"]
TRADERS = ["陈记粮油", "老王调味批发", "兴隆副食", "广丰干货", "佳味调料行", "顺发批发部"]
COMPETITORS = [
    # brand, monthly volume ¥, advantage, products (name, spec, price)
    (
        "海天",
        Decimal("1800000"),
        "品牌力强，渠道覆盖最广",
        [("海天金标生抽", "1.28L", Decimal("15.9")), ("海天蚝油", "700g", Decimal("12.5"))],
    ),
    (
        "李锦记",
        Decimal("900000"),
        "餐饮渠道认可度高",
        [("李锦记薄盐生抽", "500ml", Decimal("13.8"))],
    ),
    ("厨邦", Decimal("650000"), "晒足180天卖点清晰", [("厨邦美味鲜", "1.25L", Decimal("14.5"))]),
    (
        "千禾",
        Decimal("420000"),
        "零添加概念，商超陈列好",
        [("千禾零添加生抽", "1L", Decimal("19.9"))],
    ),
    ("加加", Decimal("260000"), "价格低，农贸批发走量", [("加加面条鲜", "500ml", Decimal("6.5"))]),
    ("美味鲜", Decimal("180000"), "区域老品牌", [("美味鲜特级生抽", "500ml", Decimal("7.9"))]),
]
SURVEYS = {
    # market code: (rep, day, sections filled: full survey or partial)
    "440300": ("rep", datetime.date(2026, 9, 12), True),
    "441900": ("rep", datetime.date(2026, 10, 20), False),
    "440100": ("rep3", datetime.date(2026, 8, 5), True),
    "440600": ("rep3", datetime.date(2026, 10, 8), False),
    "430100": ("rep2", datetime.date(2026, 9, 25), True),
}
# Counties/districts and towns/streets the reps counted (section A).
DIVISIONS = {
    "440300": (9, 74),
    "441900": (0, 32),
    "440100": (11, 176),
    "440600": (5, 32),
    "430100": (9, 171),
}
HISTORY = {
    "440300": [
        ("blank", "researching"),
        ("researching", "trial"),
        ("trial", "developing"),
        ("developing", "developed"),
    ],
    "440306": [("blank", "researching"), ("researching", "trial"), ("trial", "developing")],
    "441900": [("blank", "researching"), ("researching", "trial")],
    "430100": [("blank", "researching"), ("researching", "trial"), ("trial", "developing")],
}


def _upsert(model, defaults: dict, **lookup):
    """update_or_create that writes nothing when the row already holds these values,
    so a second seed run leaves updated_at and the audit trail untouched."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **defaults), True
    changed = [name for name, value in defaults.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, defaults[name])
        row.save()
    return row, False


def _offset(base, seed: int, modulus: int) -> Decimal:
    """A deterministic spread of points around a centre (≈ ±3 km), no randomness."""
    step = Decimal((seed * 37) % modulus - modulus // 2) / Decimal(350)
    return (Decimal(base) + step).quantize(Decimal("0.000001"))


KIND_SEED = {"ka_store": 0, "wholesale": 3, "catering": 7, "canteen": 11, "small_store": 13}


def _outlet(territory, kind, index, name, **extra):
    code = f"DEMO-{territory.code}-{kind}-{index:02d}"
    outlet, _created = _upsert(
        Outlet,
        external_code=code,
        defaults={
            "territory": territory,
            "kind": kind,
            "name": name,
            "address": f"{territory.name}{STREETS[index % 4]}{10 + index * 7}号",
            "longitude": _offset(territory.longitude or 113, index * 7 + KIND_SEED[kind] * 5, 19),
            "latitude": _offset(
                territory.latitude or 23, index * index * 3 + index * 5 + KIND_SEED[kind] * 2, 23
            ),
            **extra,
        },
    )
    return outlet


def seed_research() -> str:
    markets = {
        m.territory.code: m
        for m in Market.objects.select_related("territory").filter(
            territory__code__in=[code for code, *_ in MARKETS]
        )
    }
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["admin", "manager", "manager2", "rep", "rep2", "rep3"]
        )
    }
    for code, (model, dealers, channels, ka, capital, warehouse, per_week) in PLANS.items():
        _upsert(
            MarketPlan,
            market=markets[code],
            defaults={
                "external_code": f"PLAN-{code}",
                "channel_model": model,
                "planned_dealer_count": dealers,
                "channel_plan": {
                    ch: {"dealers": d, "outlets": o} for ch, (d, o) in channels.items()
                },
                "planned_ka_stores": ka,
                "working_capital": capital,
                "warehouse_m2": warehouse,
                "deliverable_outlets_per_week": per_week,
                "sales_target": Decimal(dealers * 1500000),
                "market_share_target": Decimal("8.0"),
                "monthly_sell_in_target": Decimal(dealers * 120000),
                "start_date": datetime.date(2026, 1, 1),
                "target_date": datetime.date(2026, 12, 31),
                "entry_products": "生抽500ml、老抽500ml、蚝油700g",
                "price_policy": "统一供价，季度返利2%，严禁跨区低价",
                "promotion_plan": "重点KA堆头+端架，春节档买赠",
                "model_store_plan": "每区选2家样板店，专柜陈列",
            },
        )
    outlets = 0
    for code, (rep_name, day, full) in SURVEYS.items():
        market = markets[code]
        territory = market.territory
        survey, _created = _upsert(
            MarketSurvey,
            external_code=f"DEMO-SV-{code}",
            defaults={
                "market": market,
                "rep": users[rep_name],
                "surveyed_on": day,
                "county_count": DIVISIONS[code][0],
                "town_count": DIVISIONS[code][1],
                "ka_store_count": 8 if full else 5,
                "catering_none": False,
                "canteens_none": False,
                "small_store_count": 1200 if full else None,
                "supermarket_count": 85 if full else None,
                "hotel_count": 140 if full else None,
                "entry_fee": Decimal("30000") if full else None,
                "other_fees": "条码费每单品2000元，店庆费、节庆费另计" if full else "",
                "residential_compounds": "大型社区多，社区团购活跃" if full else "",
                "big_employers": "电子厂、物流园员工集中" if full else "",
                "cross_border_hubs": "口岸附近有串货与假货风险" if code == "440300" else "",
            },
        )
        ka_total = len(KA_CHAINS) if full else 4
        for index in range(ka_total):
            _outlet(
                territory,
                "ka_store",
                index,
                f"{KA_CHAINS[index]}{territory.name[:2]}店",
                survey=survey,
                # Where the market is further on, we are already listed in a few stores.
                listed_on=datetime.date(2026, 6, 1) if full and index < 3 else None,
            )
        wholesale, _ = _upsert(
            WholesaleMarket,
            market=market,
            name=f"{territory.name[:2]}农副产品批发市场",
            defaults={
                "survey": survey,
                "location": f"{territory.name}城郊物流园",
                "goods_flow": "out_of_town" if full else "local",
                "longitude": _offset(territory.longitude or 113, 5, 19),
                "latitude": _offset(territory.latitude or 23, 9, 23),
            },
        )
        for index, trader in enumerate(TRADERS[: 6 if full else 3]):
            _outlet(
                territory,
                "wholesale",
                index,
                trader,
                survey=survey,
                wholesale_market=wholesale,
                contact_name=f"{trader[0]}老板",
                contact_phone=f"1390000{index:04d}",
            )
        if full:
            for index, name in enumerate(CATERING):
                _outlet(territory, "catering", index, name, survey=survey)
            for index, name in enumerate(CANTEENS):
                _outlet(territory, "canteen", index, f"{territory.name[:2]}{name}", survey=survey)
        for brand, volume, advantage, products in COMPETITORS[: 6 if full else 2]:
            competitor, _ = _upsert(
                Competitor,
                market=market,
                brand=brand,
                defaults={
                    "survey": survey,
                    "estimated_monthly_volume": volume * (1 if full else Decimal("0.4")),
                    "main_advantage": advantage,
                },
            )
            if full:
                for name, spec, price in products:
                    _upsert(
                        CompetitorProduct,
                        competitor=competitor,
                        name=name,
                        defaults={"spec": spec, "price": price},
                    )
        outlets += Outlet.objects.filter(survey=survey).count()
        survey_refresh_completeness(survey_id=survey.pk)
    _seed_history(markets, users)
    _seed_assessments(markets, users)
    _seed_trials(markets, users)
    return f"{len(PLANS)} plans, {len(SURVEYS)} surveys, {outlets} outlets"


def _seed_history(markets, users) -> None:
    for code, steps in HISTORY.items():
        market = markets[code]
        if market.status_changes.exists():
            continue
        manager = users["manager2" if code.startswith("43") else "manager"]
        MarketStatusChange.objects.bulk_create(
            MarketStatusChange(
                market=market,
                from_status=old,
                to_status=new,
                changed_by=manager,
                reason="按开发计划推进",
            )
            for old, new in steps
        )


def _seed_assessments(markets, users) -> None:
    ratings = [
        [5, 4, 5, 3, 4, 5, 4, 4, 5, 4],
        [4, 4, 3, 3, 3, 4, 3, 3, 4, 3],
        [3, 3, 2, 2, 3, 3, 2, 3, 3, 2],
    ]
    for code, rep_name in (("440300", "rep"), ("440100", "rep3")):
        stores = list(
            Outlet.objects.filter(survey__market=markets[code], kind="ka_store").order_by(
                "external_code"
            )[:3]
        )
        for store, values in zip(stores, ratings, strict=False):
            if store.assessments.exists():
                continue
            assessment_create(
                outlet_id=store.pk,
                by=users[rep_name],
                assessed_on=datetime.date(2026, 10, 15),
                estimated_monthly_volume=Decimal(sum(values) * 1000),
                ratings=[
                    RatingInput(action=i + 1, rating=v, note="") for i, v in enumerate(values)
                ],
            )


def _seed_trials(markets, users) -> None:
    market = markets["441900"]
    if market.trial_shipments.exists():
        return
    traders = list(
        Outlet.objects.filter(survey__market=market, kind="wholesale").order_by("external_code")[:2]
    )
    for index, trader in enumerate(traders):
        trial_shipment_create(
            market_id=market.pk,
            sub_wholesaler_id=trader.pk,
            shipped_on=datetime.date(2026, 10, 25 + index),
            product="金标生抽500ml",
            quantity=50 + index * 30,
            amount=Decimal(50 + index * 30) * Decimal("72"),
            introduced_by="深圳市鹏程食品贸易有限公司",
            by=users["rep"],
        )
