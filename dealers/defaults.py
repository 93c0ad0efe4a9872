"""The default six-criteria scorecard (经销商评估表) and objection playbook, as plain data.

Used by the data migrations that install template versions 1 and 2 and by the tests.
Each sub-item: (code, 中文, English, what a 1 / 3 / 5 looks like).
"""

from decimal import Decimal

DEFAULT_TEMPLATE_NAME = "经销商评估表"

DEFAULT_CRITERIA = [
    (
        "willingness",
        "合作意愿",
        "Willingness to cooperate",
        25,
        [
            (
                "brand_interest",
                "对品牌的兴趣与信心",
                "Interest in and confidence in our brand",
                "对我司品牌冷淡，只问价格",
                "认可品牌，但仍在观望",
                "主动了解品牌规划，认同并有信心",
            ),
            (
                "commitment",
                "投入人、财与首批打款意愿",
                "Readiness to commit people, money and a first paid order",
                "不愿投入专人，不愿首批打款",
                "愿意少量试单，人员兼职",
                "愿配专职团队并首批现款进货",
            ),
            (
                "cost_sharing",
                "分担市场费用意愿",
                "Readiness to share market costs",
                "要求厂家承担全部费用",
                "可分担部分促销费用",
                "主动提出共同投入市场费用",
            ),
            (
                "responsiveness",
                "响应速度与做事细致",
                "Responsiveness and attention to detail in dealings",
                "约见拖延，资料不全",
                "按时回应，资料基本齐全",
                "当天回应，准备充分，关注细节",
            ),
        ],
    ),
    (
        "reputation",
        "口碑",
        "Reputation",
        20,
        [
            (
                "trade_opinion",
                "合作伙伴、同行与业内评价",
                "Opinion of partners, peers and the trade",
                "同行普遍负面评价",
                "评价一般，无明显问题",
                "同行和下游普遍称赞守信",
            ),
            (
                "previous_partner",
                "与上一家厂商分手原因",
                "Why it parted with its previous manufacturer",
                "因砸价冲货或欠款被取消",
                "因销量一般自然结束",
                "无不良记录，厂家愿意继续合作",
            ),
            (
                "payment_record",
                "对供应商的付款记录",
                "Payment record with suppliers",
                "经常拖欠货款",
                "偶有延迟，最终付清",
                "一贯按时或提前付款",
            ),
        ],
    ),
    (
        "marketing",
        "行销意识",
        "Marketing awareness",
        15,
        [
            (
                "knows_own_business",
                "了解自身生意结构",
                "Knows its own business (volume and profit lines)",
                "说不清各品项和渠道销量",
                "大致了解主力品项",
                "清楚各品项、渠道的走量与利润",
            ),
            (
                "knows_local_market",
                "了解本地市场与消费者",
                "Knows the local market and consumers",
                "对市场变化没有概念",
                "了解主要竞品和渠道",
                "能说出消费趋势与机会点",
            ),
            (
                "promotion_attitude",
                "对终端促销资源的态度",
                "Attitude to retail promotion resources",
                "截留促销资源",
                "按要求执行促销",
                "主动策划并落实促销到终端",
            ),
            (
                "downstream_service",
                "对下游客户的服务",
                "Service to its downstream customers",
                "只送货，不服务",
                "定期拜访下游",
                "为下游理货、培训、解决问题",
            ),
        ],
    ),
    (
        "market",
        "市场能力",
        "Market capability",
        15,
        [
            (
                "wholesale_tier",
                "批发层级",
                "Wholesale tier",
                "三批及以下，货源靠转手",
                "二批，有稳定上游",
                "一批，直接对接厂家",
            ),
            (
                "coverage",
                "各渠道网点覆盖",
                "Coverage of outlets per channel",
                "目标渠道网点很少",
                "覆盖目标渠道一半网点",
                "覆盖目标渠道大部分网点",
            ),
            (
                "brands_fit",
                "所经营品牌与我司匹配",
                "Brands carried (fit with ours)",
                "经营直接竞品，冲突明显",
                "品类相关，无直接冲突",
                "互补品牌，可带动我司产品",
            ),
            (
                "ka_access",
                "进入KA卖场能力",
                "Access to KA stores",
                "无KA供货关系",
                "供应少数KA门店",
                "与主要KA系统长期合作",
            ),
        ],
    ),
    (
        "management",
        "管理能力",
        "Management capability",
        15,
        [
            (
                "people",
                "人员管理",
                "People",
                "家庭作坊，无分工",
                "有基本分工和考核",
                "团队稳定，分工明确，有培训",
            ),
            (
                "logistics",
                "物流管理",
                "Logistics",
                "送货无计划，常断货",
                "按线路定期配送",
                "配送及时准确，库存周转快",
            ),
            (
                "cash_flow",
                "资金流管理",
                "Cash flow",
                "资金紧张，常周转不灵",
                "资金基本够用",
                "资金充裕，账目清晰",
            ),
            (
                "runs_brands_well",
                "经营现有优质品牌的成效",
                "Runs its existing good brands well",
                "现有品牌在萎缩",
                "现有品牌销量平稳",
                "现有品牌在其手中持续增长",
            ),
        ],
    ),
    (
        "strength",
        "认证实力",
        "Verified strength",
        10,
        [
            (
                "stores",
                "门店与展厅",
                "Stores",
                "没有门店或展厅",
                "有一个门店",
                "多个门店或展厅位置好",
            ),
            (
                "warehouse",
                "仓库与库存",
                "Warehouse and stock",
                "仓库远小于需要",
                "仓库面积满足需要",
                "仓库适度宽裕、管理规范",
            ),
            (
                "transport",
                "运输能力（非车辆数）",
                "Transport capacity (not vehicle count)",
                "每周可送网点远少于需要",
                "每周送货能力满足需要",
                "送货能力稳定且适度富余",
            ),
            (
                "network",
                "网络覆盖与知名度（非名气）",
                "Network coverage and name recognition (not fame)",
                "目标渠道覆盖很少",
                "覆盖满足需要",
                "覆盖充分，下游认可",
            ),
            (
                "finance",
                "财务状况",
                "Financial position",
                "可用于我司的资金远低于需要",
                "资金满足需要",
                "资金充足且来源稳定",
            ),
        ],
    ),
]

# The spec's second version of the default template (20-dealers.md): the fit function
# 100 for 1 ≤ r ≤ 1.5, then max(20, 100 − 20·(r − 1.5)); gates and bands unchanged.
# Frozen here for the migration that publishes it (scoring.Thresholds() defaults agree).
DEFAULT_THRESHOLDS_V2 = {
    "reputation_veto_below": Decimal(40),
    "willingness_gate_below": Decimal(60),
    "strength_gate_below": Decimal(60),
    "band_strong": Decimal(80),
    "band_recommended": Decimal(65),
    "band_conditional": Decimal(50),
    "fit_plateau_end": Decimal("1.5"),
    "fit_slope": Decimal(20),
    "fit_floor": Decimal(20),
    "oversized_warning_ratio": Decimal(3),
}
# Ratings that are red flags from version 2 on: level 1 on why it parted with its previous
# manufacturer (dropped for dumping, diversion or debts) or on its payment record
# (habitually withholds payments). Sub-item code → red flag at or below this level.
DEFAULT_RED_FLAG_LEVELS = {"previous_partner": 1, "payment_record": 1}

DEFAULT_OBJECTIONS = [
    (
        "price_high",
        "你们的价格太高了",
        "同样的价格带，我们给渠道的利润更稳：严格的价格体系和冲货管控，"
        "保证您不会被同行砸价，算一算每箱实际到手的利润，而不是只看进价。",
    ),
    (
        "range_narrow",
        "你们的产品线太窄",
        "我们只做最能走量的几个单品，库存压力小、周转快；"
        "聚焦少数单品更容易做透终端，新品会按市场节奏分批导入。",
    ),
    (
        "support_weak",
        "你们的支持比别人少",
        "我们的支持是落到终端的：业务员协助铺货、理货和开发新网点，"
        "促销资源直达终端，按动销兑现，而不是一次性给一笔进场费。",
    ),
    (
        "brand_unknown",
        "你们的品牌在这里没人知道",
        "正因为新，才有区域先发机会：我们会在本地做样板终端和品鉴推广，"
        "先跟着我们做起来的经销商，能拿到最好的网点和最稳的利润。",
    ),
]
