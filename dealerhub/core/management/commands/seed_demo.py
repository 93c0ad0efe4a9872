"""A realistic, coherent demo data set; safe to run any number of times."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from markets.choices import MarketStatus
from markets.models import Market, Territory
from markets.services import refresh_territory_counts, territories_import

TERRITORY_CSV = Path(settings.BASE_DIR) / "data" / "territories.csv"

USERS = [
    # username, display name, role, territory codes, superuser
    ("admin", "王总监", Role.HQ_ADMIN, [], True),
    ("manager", "李经理", Role.MANAGER, ["440000"], False),
    ("manager2", "赵经理", Role.MANAGER, ["430000"], False),
    ("rep", "张伟", Role.REP, ["440300", "441900"], False),
    ("rep2", "刘洋", Role.REP, ["430100"], False),
    ("rep3", "陈静", Role.REP, ["440600", "440100"], False),
]

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


class Command(BaseCommand):
    help = "Create or refresh the demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "dealerhub2026"),
            help="Password for newly created demo users (demo only).",
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options) -> None:
        if not Territory.objects.filter(code="440000").exists():
            report = territories_import(text=TERRITORY_CSV.read_text(encoding="utf-8"))
            if not report.ok:
                raise SystemExit(f"Bundled territory CSV is invalid: {report.errors[:5]}")
            refresh_territory_counts()
            self.stdout.write(f"Imported {report.total_rows} territories.")
        territories = {t.code: t for t in Territory.objects.all()}
        users = {}
        for username, name, role, codes, superuser in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "role": role,
                    "is_superuser": superuser,
                    "is_staff": superuser,
                    "email": f"{username}@dealerhub.example",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            user.territories.set([territories[code] for code in codes])
            users[username] = user
        for code, status, rep, reason, income, industries in MARKETS:
            Market.objects.update_or_create(
                territory=territories[code],
                defaults={
                    "status": status,
                    "rep": users.get(rep) if rep else None,
                    "status_reason": reason,
                    "income_level": income,
                    "pillar_industries": industries,
                },
            )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(USERS)} users, {len(MARKETS)} markets.")
        )
