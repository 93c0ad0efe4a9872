"""Demo territories (the bundled real administrative divisions) and markets."""

from pathlib import Path

from django.conf import settings

from accounts.models import User

from .choices import MarketStatus
from .models import Market, Territory
from .services import refresh_territory_counts, territories_import

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
        Market.objects.update_or_create(
            territory=territories[code],
            defaults={
                "status": status,
                "rep": reps.get(rep),
                "status_reason": reason,
                "income_level": income,
                "pillar_industries": industries,
            },
        )
    return f"{len(MARKETS)} markets"
