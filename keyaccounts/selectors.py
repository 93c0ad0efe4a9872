"""Reads for key accounts, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from markets.models import Territory

from . import scoring
from .choices import QUADRANT_STRATEGY, Quadrant
from .models import Assessment, Contact, KeyAccount, TradeTerms


def account_list(*, user) -> QuerySet[KeyAccount]:
    return (
        KeyAccount.objects.for_user(user)
        .select_related("territory", "rep")
        .with_latest_assessment()
    )


def visit_frequency(*, account: KeyAccount, year: int) -> int | None:
    """Visits per month the account's quadrant calls for in a year (visit planning reads this)."""
    quadrant = (
        Assessment.objects.filter(account=account, year=year)
        .values_list("quadrant", flat=True)
        .first()
    )
    return scoring.visits_per_month(quadrant) if quadrant else None


def visit_frequencies(*, user, year: int) -> dict[int, int]:
    """{account id: visits per month} for every assessed account in the user's scope."""
    rows = Assessment.objects.for_user(user).filter(year=year).values_list("account_id", "quadrant")
    return {account_id: scoring.visits_per_month(quadrant) for account_id, quadrant in rows}


def assessment_years(*, user) -> list[int]:
    return list(
        Assessment.objects.for_user(user)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MatrixPoint:
    account_id: int
    external_code: str
    name: str
    territory: str | None  # None: a national account
    attractiveness: Decimal
    supportiveness: Decimal
    quadrant: str
    template_version: int
    previous_quadrant: str | None
    previous_attractiveness: Decimal | None
    previous_supportiveness: Decimal | None

    @property
    def visits_per_month(self) -> int:
        return scoring.visits_per_month(self.quadrant)

    @property
    def moved(self) -> bool:
        return self.previous_quadrant is not None and self.previous_quadrant != self.quadrant


def matrix(*, user, year: int, region: Territory | None = None) -> list[MatrixPoint]:
    """Every assessed account in scope for a year, with where it stood the year before.

    Two queries whatever the number of accounts.
    """
    current = Assessment.objects.for_user(user).filter(year=year)
    if region is not None:
        # National accounts count in a region that holds one of their stores.
        current = current.within_paths([region.path])
    rows = list(
        current.order_by("account__name", "account_id").values(
            "account_id",
            "account__external_code",
            "account__name",
            "account__territory__name",
            "attractiveness",
            "supportiveness",
            "quadrant",
            "template__version",
        )
    )
    previous = {
        account_id: (quadrant, att, sup)
        for account_id, quadrant, att, sup in Assessment.objects.filter(
            year=year - 1, account_id__in=[row["account_id"] for row in rows]
        ).values_list("account_id", "quadrant", "attractiveness", "supportiveness")
    }
    points = []
    for row in rows:
        before = previous.get(row["account_id"], (None, None, None))
        points.append(
            MatrixPoint(
                account_id=row["account_id"],
                external_code=row["account__external_code"],
                name=row["account__name"],
                territory=row["account__territory__name"],
                attractiveness=row["attractiveness"],
                supportiveness=row["supportiveness"],
                quadrant=row["quadrant"],
                template_version=row["template__version"],
                previous_quadrant=before[0],
                previous_attractiveness=before[1],
                previous_supportiveness=before[2],
            )
        )
    return points


def quadrant_summary(points: list[MatrixPoint]) -> list[dict]:
    """The four quadrants with their meaning, strategy, visit frequency and account count."""
    counts: dict[str, int] = {}
    for point in points:
        counts[point.quadrant] = counts.get(point.quadrant, 0) + 1
    return [
        {
            "code": code,
            "label": Quadrant(code).label,
            "meaning": QUADRANT_STRATEGY[code][0],
            "strategy": QUADRANT_STRATEGY[code][1],
            "visits": scoring.visits_per_month(code),
            "count": counts.get(code, 0),
        }
        for code in scoring.QUADRANTS
    ]


@dataclass(frozen=True)
class TermsRow:
    terms: TradeTerms
    spend: scoring.TradeSpend
    spend_change_pct: Decimal | None
    sales_change_pct: Decimal | None


def trade_terms_summary(*, account: KeyAccount) -> list[TermsRow]:
    """Each year's terms with total trade spend, % of sales and change against the year before."""
    terms = list(TradeTerms.objects.filter(account=account).order_by("year"))
    rows: list[TermsRow] = []
    previous = None
    for item in terms:
        spend = scoring.trade_spend(item.as_pure())
        rows.append(
            TermsRow(
                terms=item,
                spend=spend,
                spend_change_pct=scoring.change_pct(
                    spend.total, previous[1].total if previous else None
                ),
                sales_change_pct=scoring.change_pct(
                    item.sales, previous[0].sales if previous else None
                ),
            )
        )
        previous = (item, spend)
    rows.reverse()
    return rows


@dataclass
class OrgNode:
    contact: Contact
    children: list[OrgNode]


def org_tree(*, account: KeyAccount) -> list[OrgNode]:
    """Contacts arranged by reporting line (roots first); one query."""
    contacts = list(Contact.objects.filter(account=account).order_by("name", "id"))
    nodes: dict[int | None, OrgNode] = {c.pk: OrgNode(c, []) for c in contacts}
    roots = []
    for contact in contacts:
        parent = nodes.get(contact.reports_to_id)
        if parent is not None and contact.reports_to_id != contact.pk:
            parent.children.append(nodes[contact.pk])
        else:
            roots.append(nodes[contact.pk])
    return roots


def flag_messages(listing) -> list[dict]:
    """The delisting flags of a listed SKU, each with its translated explanation."""
    return [
        {"code": flag.code, "message": _(flag.reason) % flag.params}
        for flag in scoring.delisting_flags(listing.facts())
    ]
