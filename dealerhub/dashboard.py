"""What the home page shows each role: assembled from each app's selectors."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from dealers.choices import Stage
from dealers.selectors import stage_counts
from integrations.models import AdminNotice
from keyaccounts import selectors as ka_selectors
from markets import selectors as market_selectors


@dataclass
class Dashboard:
    markets: dict
    my_markets: list = field(default_factory=list)
    ka_year: int | None = None
    ka_quadrants: list = field(default_factory=list)
    pipeline: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def dashboard_for(*, user) -> Dashboard:

    board = Dashboard(markets=market_selectors.dashboard_summary(user=user))
    if user.is_rep:
        board.my_markets = list(
            market_selectors.market_list(user=user).filter(rep=user).order_by("territory__path")
        )
    years = ka_selectors.assessment_years(user=user)
    if years:
        year = timezone.localdate().year if timezone.localdate().year in years else max(years)
        board.ka_year = year
        board.ka_quadrants = ka_selectors.quadrant_summary(
            ka_selectors.matrix(user=user, year=year)
        )
    board.pipeline = _dealer_pipeline(user)
    if user.is_hq:
        board.notices = list(AdminNotice.objects.filter(dismissed_at__isnull=True)[:5])
    return board


def _dealer_pipeline(user) -> list:
    """Candidates per active pipeline stage, linked to the filtered candidate list."""

    counts = stage_counts(user=user)
    url = reverse("dealers:candidate_list")
    shown = [Stage.SCREENING, Stage.EVALUATION, Stage.SELECTED, Stage.NEGOTIATING, Stage.SIGNED]
    return [
        {
            "label": stage.label,
            "count": counts.get(stage.value, 0),
            "url": f"{url}?stage={stage.value}",
        }
        for stage in shown
    ]
