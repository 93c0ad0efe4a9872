"""Month partitions of the sell-in table (created a year ahead by a nightly task)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from ..rules import add_months

AHEAD_MONTHS = 12
PARTITION_PREFIX = "sales_sellinline_p"


def partitions_ensure(*, today: datetime.date | None = None, ahead: int = AHEAD_MONTHS) -> int:
    """Create the month partitions from ``today``'s month to ``ahead`` months later that
    do not exist yet (the SQL function from the migration); returns how many were made."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sales_sellin_ensure_partitions(%s, %s)", [first, add_months(first, ahead)]
        )
        return cursor.fetchone()[0]


def partition_months() -> set[datetime.date]:
    """The months that have a partition (a line in any other month is refused)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'sales_sellinline'::regclass"
        )
        names = [row[0] for row in cursor.fetchall()]
    months = set()
    for name in names:
        if name.startswith(PARTITION_PREFIX):
            year, month = name.removeprefix(PARTITION_PREFIX).split("_")
            months.add(datetime.date(int(year), int(month), 1))
    return months
