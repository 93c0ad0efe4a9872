"""Demo key accounts: chains across the demo territories, several years of assessments
(every quadrant, accounts moving between years), trade terms, buyers, stores and SKUs.

Idempotent: rows are found by natural keys and written only when something differs.
"""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from markets.models import Outlet, Territory

from . import services
from .models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    OutletYear,
    SkuListing,
    TradeTerms,
)

YEARS = (2023, 2024, 2025)

# Measure variants per quadrant: turnover ¥, growth %, DSO days, merchandising %,
# activity %, SKUs carried, buyer relationship 1–5 (scores in the comments: att / sup).
PROFILES = {
    "star": [
        (620000, 18, 35, 21, 36, 19, 4),  # 88 / 80
        (520000, 22, 28, 23, 41, 21, 5),  # 100 / 100
        (430000, 15, 42, 17, 31, 15, 3),  # 76 / 60
        (380000, 21, 33, 19, 33, 22, 4),  # 80 / 79
        (310000, 16, 25, 22, 27, 16, 3),  # 76 / 66
    ],
    "question_mark": [
        (450000, 16, 45, 12, 24, 10, 2),  # 76 / 23
        (560000, 12, 55, 14, 28, 12, 3),  # 72 / 43
        (350000, 19, 38, 16, 26, 9, 2),  # 72 / 41
        (480000, 9, 29, 10, 31, 13, 1),  # 68 / 37
    ],
    "cash_cow": [
        (250000, 3, 38, 20, 36, 18, 4),  # 40 / 80
        (190000, 7, 48, 23, 42, 21, 5),  # 36 / 100
        (320000, 4, 52, 17, 33, 15, 4),  # 40 / 63
        (280000, 11, 65, 19, 29, 20, 3),  # 44 / 70
    ],
    "dog": [
        (150000, 2, 70, 11, 22, 8, 2),  # 20 / 23
        (260000, 6, 58, 14, 27, 12, 3),  # 40 / 43
        (330000, 1, 62, 15, 31, 10, 2),  # 36 / 41
        (180000, 8, 45, 12, 26, 14, 1),  # 36 / 36
    ],
}

# code, name, format, home territory, rep, address, phone, quadrants 2023→2025,
# competitors, distribution
CHAINS = [
    (
        "KA-GD-HRWJ",
        "华润万家（深圳）",
        "hypermarket",
        "440300",
        "rep",
        "深圳市罗湖区深南东路5016号",
        "0755-82228888",
        ("question_mark", "star", "star"),
        ("康师傅", "统一"),
        "central",
    ),
    (
        "KA-GD-TH",
        "天虹商场",
        "supermarket",
        "440300",
        "rep",
        "深圳市南山区中心路2号",
        "0755-86688888",
        ("cash_cow", "cash_cow", "star"),
        ("康师傅", "今麦郎"),
        "mixed",
    ),
    (
        "KA-GD-XYJ",
        "新一佳超市（宝安）",
        "supermarket",
        "440306",
        "rep",
        "深圳市宝安区新安街道创业一路",
        "0755-27788888",
        ("dog", "dog", "question_mark"),
        ("统一", "白象"),
        "direct",
    ),
    (
        "KA-GD-MYJ",
        "美宜佳便利店",
        "convenience",
        "441900",
        "rep",
        "东莞市东城区东纵大道",
        "0769-22223333",
        ("question_mark", "question_mark", "star"),
        ("康师傅", "统一"),
        "central",
    ),
    (
        "KA-GD-AEON",
        "永旺（广州）",
        "hypermarket",
        "440100",
        "rep3",
        "广州市天河区天河路208号",
        "020-38888888",
        ("star", "star", "cash_cow"),
        ("康师傅", "日清"),
        "central",
    ),
    (
        "KA-GD-BJ",
        "百佳超市",
        "supermarket",
        "440100",
        "rep3",
        "广州市越秀区环市东路",
        "020-83338888",
        ("cash_cow", "dog", "dog"),
        ("统一", "今麦郎"),
        "direct",
    ),
    (
        "KA-GD-711",
        "7-Eleven 广东",
        "convenience",
        "440100",
        "rep3",
        "广州市海珠区新港中路",
        "020-84448888",
        ("dog", "question_mark", "question_mark"),
        ("日清", "康师傅"),
        "central",
    ),
    (
        "KA-GD-RTM",
        "大润发（佛山）",
        "hypermarket",
        "440600",
        "rep3",
        "佛山市禅城区季华五路",
        "0757-83338888",
        ("star", "cash_cow", "cash_cow"),
        ("康师傅", "统一"),
        "central",
    ),
    (
        "KA-GD-JLF",
        "家乐福（惠州）",
        "hypermarket",
        "441300",
        None,
        "惠州市惠城区麦地路",
        "0752-2288888",
        ("dog", "dog", "dog"),
        ("统一", "白象"),
        "direct",
    ),
    (
        "KA-GD-STHY",
        "汕头宏远超市",
        "supermarket",
        "440500",
        None,
        "汕头市龙湖区长平路",
        "0754-88888888",
        ("cash_cow", "cash_cow", "dog"),
        ("今麦郎", "白象"),
        "direct",
    ),
    (
        "KA-HN-BBG",
        "步步高超市",
        "supermarket",
        "430300",
        None,
        "湘潭市岳塘区建设北路",
        "0731-58888888",
        ("star", "star", "star"),
        ("康师傅", "统一"),
        "central",
    ),
    (
        "KA-HN-JRD",
        "家润多",
        "hypermarket",
        "430100",
        "rep2",
        "长沙市芙蓉区五一大道",
        "0731-84448888",
        ("question_mark", "star", "question_mark"),
        ("统一", "康师傅"),
        "mixed",
    ),
    (
        "KA-HN-XJY",
        "新佳宜便利",
        "convenience",
        "430100",
        "rep2",
        "长沙市岳麓区麓山南路",
        "0731-88886666",
        ("dog", "cash_cow", "cash_cow"),
        ("康师傅", "今麦郎"),
        "central",
    ),
    (
        "KA-HN-ZB",
        "株百超市",
        "supermarket",
        "430200",
        None,
        "株洲市芦淞区建设中路",
        "0731-28888888",
        ("cash_cow", "question_mark", "dog"),
        ("白象", "今麦郎"),
        "direct",
    ),
]

CONTACTS = [
    # name suffix, position, department, role, reports to (index), key staff, relationship
    ("总经理", "management", "owner", None, True, 3),
    ("采购总监", "merchandising", "decision_maker", 0, True, 4),
    ("食品采购经理", "merchandising", "buyer", 1, True, 4),
    ("营运总监", "store_operations", "influencer", 0, False, 3),
    ("门店店长", "store_operations", "implementer", 3, False, 4),
    ("财务经理", "finance", "authorizer", 0, False, 2),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "丽华", "志强", "静", "伟", "敏", "磊", "芳", "军", "燕"]

COMPARISON = [
    ("sales_share", ("28%", "35%", "18%")),
    ("display_share", ("25%", "30%", "15%")),
    ("display_position", ("黄金位", "端架", "底层")),
    ("floor_stack_skus", ("3", "5", "1")),
    ("main_skus", ("红烧牛肉面、酸菜面", "经典系列", "老坛酸菜")),
    ("pop", ("吊旗+价签", "立牌", "无")),
    ("promotion_strength", ("中", "强", "弱")),
    ("price", ("4.5元/袋", "4.5元/袋", "4.0元/袋")),
    ("merchandisers", ("2", "3", "1")),
    ("promoters", ("1", "2", "0")),
    ("delivery_service", ("48小时", "24小时", "72小时")),
    ("deduction_points", ("18%", "20%", "16%")),
    ("other_support", ("新品免费试吃", "年度返利", "—")),
]


def _save_if_changed(model, lookup: dict, values: dict):
    """Create, or update only the fields that differ (a re-run writes nothing)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def _measures(quadrant: str, index: int, year: int) -> dict:
    variants = PROFILES[quadrant]
    turnover, growth, dso, merch, activity, skus, buyer = variants[
        (index * 3 + year) % len(variants)
    ]
    return {
        "annual_turnover": Decimal(turnover + (index % 5) * 1700),  # stays inside its band
        "growth_rate": Decimal(growth),
        "dso_days": dso,
        "merchandising_share": Decimal(merch),
        "activity_share": Decimal(activity),
        "skus_carried": skus,
        "buyer_relationship": buyer,
    }


def _assess(account: KeyAccount, year: int, measures: dict) -> None:
    existing = Assessment.objects.filter(account=account, year=year).first()
    if existing is not None and all(
        getattr(existing, name) == value for name, value in measures.items()
    ):
        return
    services.assessment_upsert(account=account, year=year, measures=measures)


def seed(*, password: str) -> str:
    services.default_template()
    territories = {
        t.code: t for t in Territory.objects.filter(code__in={chain[3] for chain in CHAINS})
    }
    reps = {u.username: u for u in User.objects.filter(username__in={c[4] for c in CHAINS if c[4]})}
    cards = 0
    for index, chain in enumerate(CHAINS):
        code, name, fmt, territory, rep, address, phone, path, rivals, distribution = chain
        account = _save_if_changed(
            KeyAccount,
            {"external_code": code},
            {
                "name": name,
                "format": fmt,
                "territory": territories[territory],
                "rep": reps.get(rep),
                "address": address,
                "phone": phone,
                "group_structure": f"{name}总部统一管理采购，下设区域分公司与配送中心。",
                "main_markets": territories[territory].name,
                "purchasing_policy": "总部集中采购，新品每季度评审一次。",
                "distribution_mode": distribution,
                "distribution_policy": "配送中心统一收货，生鲜直送门店。"
                if distribution != "direct"
                else "供应商直送门店。",
                "display_policy": "货架按品类陈列；端架与地堆需付费，按档期申请。",
                "pop_policy": "POP 需提前两周报备，统一制作。",
                "promotion_policy": "每月一档海报促销，节假日加档。",
                "price_policy": "执行全国统一零售价，促销价需采购批准。",
                "positioning": "面向社区家庭客群，主打性价比与便利。",
                "competitor_1": rivals[0],
                "competitor_2": rivals[1],
            },
        )
        stores = 40 + index * 9
        for offset, year in enumerate((*YEARS, 2026)):
            sales = Decimal(800_000_000 + index * 120_000_000) * (Decimal("1.06") ** offset)
            category = (sales * Decimal("0.012")).quantize(Decimal(1))
            _save_if_changed(
                AccountYear,
                {"account": account, "year": year},
                {
                    "is_estimate": year == 2026,
                    "store_count": stores + offset * 4,
                    "floor_area_m2": (stores + offset * 4)
                    * (6000 if fmt == "hypermarket" else 800),
                    "sales": sales.quantize(Decimal("0.01")),
                    "daily_goods_share_pct": Decimal(32 + index % 5),
                    "profit": (sales * Decimal("0.03")).quantize(Decimal("0.01")),
                    "new_stores": 4,
                    "total_stores": stores + offset * 4 + 4,
                    "category_volume": category,
                    "our_volume": (category * Decimal("0.2") + offset * 50_000).quantize(
                        Decimal(1)
                    ),
                    "main_skus": "红烧牛肉面五连包、酸菜牛肉面",
                    "new_products": "藤椒鸡丝面" if year >= 2025 else "",
                    "promotions": "春节、国庆档期海报",
                    "discounts": "满 30 减 5",
                    "premiums": "买五送一",
                    "floor_stacks": "春节地堆 2 个",
                },
            )
        for year, quadrant in zip(YEARS, path, strict=True):
            _assess(account, year, _measures(quadrant, index, year))
        for offset, year in enumerate((2024, 2025)):
            sales = Decimal(PROFILES[path[offset + 1]][0][0] * (3 + offset) + index * 10_000)
            _save_if_changed(
                TradeTerms,
                {"account": account, "year": year},
                {
                    "sales": sales,
                    "fixed_discount_pct": Decimal("2.00"),
                    "month_end_rebate_pct": Decimal("1.00"),
                    "year_end_rebate_pct": Decimal("1.50") + offset,
                    "other_rebate_pct": Decimal("0.50"),
                    "credit_limit": Decimal(300000),
                    "payment_days": 60 - offset * 15,
                    "new_store_sponsorship": Decimal(3000 * (1 + offset)),
                    "anniversary_sponsorship": Decimal(2000),
                    "listing_fee": Decimal(8000 + offset * 2000),
                    "display_fee_shelf": Decimal(6000),
                    "display_fee_floor_stack": Decimal(4000 + offset * 1000),
                    "promotion_count": 4 + offset * 2,
                    "promotion_cost": Decimal(20000 + offset * 8000),
                    "promotion_our_share_pct": Decimal(60),
                    "merchandiser_count": 2,
                    "merchandiser_cost": Decimal(96000),
                    "promoter_count": 1 + offset,
                    "promoter_cost": Decimal(48000 * (1 + offset)),
                },
            )
        people = []
        for position, (title, department, role, boss, key, quality) in enumerate(CONTACTS):
            person = (
                SURNAMES[(index * 3 + position) % len(SURNAMES)]
                + GIVEN[(index + position) % len(GIVEN)]
            )
            people.append(
                _save_if_changed(
                    Contact,
                    {"account": account, "name": person},
                    {
                        "title": title,
                        "department": department,
                        "dmu_role": role,
                        "reports_to": people[boss] if boss is not None else None,
                        "phone": f"139{index:02d}{position:02d}{8000 + index * 11:04d}",
                        "is_key_staff": key,
                        "relationship_quality": quality,
                        "notes": "喜欢数据说话，周三下午方便拜访。" if role == "buyer" else "",
                    },
                )
            )
        for aspect, (ours, first, second) in COMPARISON:
            _save_if_changed(
                CompetitorComparison,
                {"account": account, "aspect": aspect},
                {"ours": ours, "competitor_1": first, "competitor_2": second},
            )
        for number in (1, 2):
            outlet = _save_if_changed(
                Outlet,
                {"external_code": f"{code}-{number:02d}"},
                {
                    "territory": territories[territory],
                    "kind": "ka_store",
                    "name": f"{name} {'旗舰店' if number == 1 else '社区店'}",
                    "address": f"{address}{number}号",
                    "contact_name": "店长" + SURNAMES[(index + number) % len(SURNAMES)] + "先生",
                    "contact_phone": f"{phone[:-2]}{number:02d}",
                },
            )
            card = _save_if_changed(
                OutletCard,
                {"outlet": outlet},
                {
                    "account": account,
                    "fax": f"{phone[:-2]}9{number}",
                    "contacts": "食品课长：周女士\n收货主管：吴先生",
                    "best_visit_time": "周二、周四 9:00–11:00",
                    "visits_per_month": 4 if number == 1 else 2,
                    "credit_days": 45,
                    "credit_limit": Decimal(50000),
                    "discount_structure": "票面 2% + 月返 1%",
                    "floor_space_m2": 8000 if number == 1 else 1200,
                    "category_1": "方便面",
                    "category_1_shelf_m": Decimal("12.0") if number == 1 else Decimal("4.0"),
                    "category_2": "饮料",
                    "category_2_shelf_m": Decimal("18.0") if number == 1 else Decimal("6.0"),
                    "employees_full_time": 120 if number == 1 else 18,
                    "employees_part_time": 30 if number == 1 else 4,
                    "checkout_counters": 24 if number == 1 else 4,
                    "fiscal_year_end": "12月31日",
                    "payment_date": "每月 25 日",
                    "retail_audit_panel": number == 1,
                    "member_card": True,
                    "scanning_system": True,
                },
            )
            cards += 1
            for offset, year in enumerate(YEARS):
                _save_if_changed(
                    OutletYear,
                    {"card": card, "year": year},
                    {
                        "turnover": Decimal((900000 if number == 1 else 200000) + offset * 50000),
                        "profit": Decimal((90000 if number == 1 else 18000) + offset * 4000),
                    },
                )
        _save_if_changed(
            SkuListing,
            {"account": account, "sku_code": "6901234500011"},
            {
                "sku_name": "红烧牛肉面 五连包",
                "status": "listed",
                "sales_target": Decimal(120000),
                "sales_actual": Decimal(135000 - index * 4000),
                "margin_pct": Decimal(22),
                "margin_pct_previous": Decimal(22),
                "margin_target_pct": Decimal(20),
                "out_of_stock_reports": index % 4,
                "has_barcode": True,
            },
        )
        _save_if_changed(
            SkuListing,
            {"account": account, "sku_code": "6901234500028"},
            {
                "sku_name": "老坛酸菜面 单包",
                "status": "listed",
                "sales_target": Decimal(60000),
                "sales_actual": Decimal(41000),
                "margin_pct": Decimal(15),
                "margin_pct_previous": Decimal(18),
                "margin_target_pct": Decimal(18),
                "quality_issues": 1 if index % 3 == 0 else 0,
                "promotion_supported": index % 2 == 0,
                "has_barcode": True,
            },
        )
        _save_if_changed(
            SkuListing,
            {"account": account, "sku_code": "6901234500035"},
            {
                "sku_name": "藤椒鸡丝面 新品",
                "status": "proposed",
                "adds_sales": True,
                "adds_category_value": True,
                "supplier_support": True,
                "exclusive_promotion": index % 2 == 1,
                "meets_purchase_conditions": True,
                "one_in_one_out": True,
                "has_barcode": True,
                "features_usp": "川味藤椒，非油炸面饼，差异化口味。",
                "positioning": "18–35 岁城市白领，追求口味与健康。",
                "market_data": "华南区藤椒口味年增长 35%。",
                "sales_forecast": Decimal(180000),
                "introduction_plan": "4 月进店，首月试吃 + 端架。",
                "promotion_plan": "全国电视广告 + 本店独家买二送一。",
                "price": Decimal("5.50"),
                "fees": "上架费 2000 元/店",
                "rebates": "年返 1%",
                "payment_terms": "月结 60 天",
                "promotion_price": Decimal("4.90"),
                "listing_fee": Decimal(2000),
                "samples": "每店 2 箱",
                "planogram_location": "方便面区 黄金位（第三层）",
                "planogram_facings": 4,
            },
        )
    return f"{len(CHAINS)} key accounts, {cards} store cards, {len(YEARS)} years of assessments"
