"""Demo dealer candidates: a coherent pipeline across the demo markets (idempotent)."""

import datetime
from decimal import Decimal

from accounts.models import User
from markets.models import Market

from . import services
from .defaults import DEFAULT_CRITERIA
from .models import Candidate, Dealer, StageChange

CODES = [item[0] for *_head, items in DEFAULT_CRITERIA for item in items]

# code, name, market, stage, source, rep, (capital ¥, warehouse m², outlets/week, outlets
# covered), base rating, rating overrides, red flags, profile
CANDIDATES = [
    (
        "GZ-D001",
        "广州穗丰食品贸易有限公司",
        "440100",
        "signed",
        "referral",
        "rep3",
        (520000, 600, 120, 450),
        4,
        {"brand_interest": 5, "commitment": 5},
        [],
        {
            "contact_name": "黄志强",
            "contact_phone": "13800138001",
            "wholesale_tier": "first",
            "address": "广州市白云区江高镇食品批发市场A区12号",
            "ka_stores_supplied": 18,
            "brands_complementary": "调味品、罐头",
            "owner_name": "黄志强",
            "peers_opinion": "业内口碑好，付款及时",
        },
    ),
    (
        "GZ-D002",
        "广州粤通商行",
        "440100",
        "rejected",
        "terminal_inquiry",
        "rep3",
        (1500000, 2000, 300, 1500),
        4,
        {"trade_opinion": 1, "previous_partner": 1},
        ["price_dumping"],
        {
            "contact_name": "林建国",
            "wholesale_tier": "first",
            "peers_opinion": "去年因砸价被某饮料品牌取消代理",
        },
    ),
    (
        "SZ-D001",
        "深圳鹏程商贸有限公司",
        "440300",
        "negotiating",
        "door_to_door",
        "rep",
        (550000, 450, 90, 380),
        4,
        {"brand_interest": 5, "cost_sharing": 5, "ka_access": 5},
        [],
        {
            "contact_name": "陈伟",
            "contact_phone": "13900139002",
            "wholesale_tier": "first",
            "address": "深圳市龙岗区布吉农批市场B座3楼",
            "ka_stores_supplied": 25,
            "owner_name": "陈伟",
            "owner_education": "大专",
            "owner_experience": "快消行业15年",
        },
    ),
    (
        "SZ-D002",
        "深圳南粤优选供应链",
        "440300",
        "evaluation",
        "online",
        "rep",
        (300000, 200, 60, 150),
        3,
        {"brand_interest": 4, "commitment": 4},
        [],
        {"contact_name": "王芳", "wholesale_tier": "second", "brands_competing": "同类竞品两个"},
    ),
    (
        "SZ-D003",
        "深圳万家旺批发部",
        "440300",
        "nurture",
        "terminal_inquiry",
        "rep",
        (150000, 120, 40, 200),
        3,
        {"brand_interest": 2, "commitment": 2, "cost_sharing": 2},
        [],
        {
            "contact_name": "刘强",
            "wholesale_tier": "second",
            "attitude_to_us": "观望，要求先铺货后结款",
        },
    ),
    (
        "BA-D001",
        "宝安区鑫源食品经营部",
        "440306",
        "screening",
        "door_to_door",
        "rep",
        (None, None, None, None),
        None,
        {},
        [],
        {"contact_name": "赵磊"},
    ),
    (
        "DG-D001",
        "东莞市莞香副食品有限公司",
        "441900",
        "selected",
        "referral",
        "rep",
        (260000, 260, 70, 160),
        4,
        {"people": 3, "runs_brands_well": 5},
        [],
        {"contact_name": "何丽", "wholesale_tier": "first", "ka_stores_supplied": 6},
    ),
    (
        "DG-D002",
        "东莞长安镇和记商行",
        "441900",
        "evaluation",
        "door_to_door",
        "rep",
        (90000, 80, 25, 60),
        3,
        {"knows_local_market": 4, "promotion_attitude": 4},
        [],
        {"contact_name": "梁伟文", "wholesale_tier": "second"},
    ),
    (
        "FS-D001",
        "佛山市禅城区顺和贸易",
        "440600",
        "evaluation",
        "online",
        "rep3",
        (220000, 180, 55, 140),
        4,
        {"previous_partner": 3},
        [],
        {"contact_name": "区永明", "wholesale_tier": "second"},
    ),
    (
        "FS-D002",
        "佛山南海大沥食品批发",
        "440600",
        "prospect",
        "terminal_inquiry",
        "rep3",
        (None, None, None, None),
        None,
        {},
        [],
        {"contact_name": "邓家豪"},
    ),
    (
        "CS-D001",
        "长沙湘江食品有限公司",
        "430100",
        "negotiating",
        "referral",
        "rep2",
        (600000, 500, 100, 300),
        4,
        {"brand_interest": 5, "commitment": 5, "cost_sharing": 4},
        [],
        {
            "contact_name": "李湘",
            "contact_phone": "13700137003",
            "wholesale_tier": "first",
            "address": "长沙市开福区马栏山批发市场",
            "owner_name": "李湘",
        },
    ),
    (
        "CS-D002",
        "长沙星城副食批发部",
        "430100",
        "evaluation",
        "door_to_door",
        "rep2",
        (180000, 150, 50, 120),
        3,
        {"responsiveness": 4},
        [],
        {"contact_name": "彭亮", "wholesale_tier": "second"},
    ),
    (
        "CS-D003",
        "湖南楚天商贸",
        "430100",
        "rejected",
        "online",
        "rep2",
        (2000000, 3000, 400, 2000),
        4,
        {},
        ["diversion"],
        {"contact_name": "罗斌", "peers_opinion": "多次跨区冲货"},
    ),
]

STAGE_PATH = ["prospect", "screening", "evaluation", "selected", "negotiating", "signed"]


def _history(stage: str) -> list[str]:
    if stage in STAGE_PATH:
        return STAGE_PATH[: STAGE_PATH.index(stage) + 1]
    return ["prospect", "screening", "evaluation", stage]


def _upsert(code: str, values: dict) -> tuple[Candidate, bool]:
    """Create, or update only the fields that differ (a second run writes nothing)."""
    candidate = Candidate.objects.filter(external_code=code).first()
    if candidate is None:
        return Candidate.objects.create(external_code=code, **values), True
    changed = [name for name, value in values.items() if getattr(candidate, name) != value]
    for name in changed:
        setattr(candidate, name, values[name])
    if changed:
        candidate.save(update_fields=[*changed, "updated_at"])
    return candidate, False


def seed(*, password: str) -> str:
    markets = {m.territory.code: m for m in Market.objects.select_related("territory")}
    users = {
        u.username: u for u in User.objects.filter(username__in=["rep", "rep2", "rep3", "manager"])
    }
    made = 0
    for (
        code,
        name,
        market_code,
        stage,
        source,
        rep,
        capacity,
        base,
        overrides,
        flags,
        profile,
    ) in CANDIDATES:
        market = markets.get(market_code)
        if market is None:
            continue
        capital, warehouse, weekly, covered = capacity
        candidate, created = _upsert(
            code,
            {
                "name": name,
                "market": market,
                "source": source,
                "owner_rep": users.get(rep),
                "working_capital": Decimal(capital) if capital is not None else None,
                "warehouse_m2": Decimal(warehouse) if warehouse is not None else None,
                "deliverable_outlets_per_week": weekly,
                "covered_outlets": covered,
                **profile,
            },
        )
        if created:
            made += 1
        if base is not None and not candidate.evaluations.filter(submitted=True).exists():
            ratings = dict.fromkeys(CODES, base)
            ratings.update(overrides)
            services.evaluation_save(
                candidate_id=candidate.pk,
                user=users.get(rep),
                ratings=ratings,
                notes={"brand_interest": "首次拜访记录", "trade_opinion": "走访两家下游门店核实"},
                red_flags=flags,
                submit=True,
            )
        if stage == "signed" and not hasattr(candidate, "contract"):
            services.contract_save(
                candidate_id=candidate.pk,
                territory_ids=[market.territory_id],
                channels=["traditional", "ka"],
                values={
                    "term_start": datetime.date(2026, 3, 1),
                    "term_end": datetime.date(2027, 2, 28),
                    "price_floor": Decimal("38.00"),
                    "annual_target": Decimal(3000000),
                    "first_order": Decimal(150000),
                    # Rule 4 matches words, not meaning: even "no 独家 clause" is refused.
                    "note": "首批现款进货；按区域、渠道划分",
                },
            )
        if candidate.stage != stage or not candidate.stage_changes.exists():
            Candidate.objects.filter(pk=candidate.pk).update(
                stage=stage, rejection_reason="reputation" if stage == "rejected" else ""
            )
            candidate.stage_changes.all().delete()
            previous = ""
            for step in _history(stage):
                StageChange.objects.create(
                    candidate=candidate,
                    from_stage=previous,
                    to_stage=step,
                    by=users.get(rep),
                    reason="演示数据",
                )
                previous = step
        if stage == "signed":
            candidate.refresh_from_db()
            Dealer.objects.get_or_create(
                candidate=candidate,
                defaults={
                    "market": market,
                    "name": candidate.name,
                    "external_code": code,
                    "active": True,
                    "since": datetime.date(2026, 3, 1),
                },
            )
    return f"{len(CANDIDATES)} dealer candidates ({made} new)"
