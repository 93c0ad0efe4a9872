"""Market development rules as pure functions: no ORM, no request, exhaustively unit-tested.

Services load the facts into the dataclasses below, call these, and act on the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import REQUIRED_SURVEY_SECTIONS, STATUS_ORDER, ChecklistKey, MarketStatus

FOCUS_LIMIT = 3
FOCUS_STATUSES = frozenset({MarketStatus.TRIAL, MarketStatus.DEVELOPING})
ASSESSMENT_ACTION_COUNT = 10


def status_rank(status: str) -> int:
    """Position in the pipeline; paused ranks below blank."""
    try:
        return STATUS_ORDER.index(MarketStatus(status))
    except ValueError:
        return -1


# --- Status transitions ----------------------------------------------------------------


@dataclass(frozen=True)
class TransitionFacts:
    """Everything the status rules need about one requested change."""

    current: str
    target: str
    reason: str = ""
    is_county: bool = False
    central_city_status: str | None = None  # None: the central city is not a market
    checklist_met: bool = True
    rep_focus_count: int = 0  # the rep's OTHER markets in trial/developing
    has_rep: bool = False


@dataclass(frozen=True)
class TransitionVerdict:
    """Errors block; `needs_override` can be lifted by an HQ admin, `needs_focus_confirm`
    by a manager."""

    errors: dict[str, str] = field(default_factory=dict)
    needs_override: str = ""
    needs_focus_confirm: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.needs_override and not self.needs_focus_confirm


def check_transition(facts: TransitionFacts) -> TransitionVerdict:
    errors: dict[str, str] = {}
    override = ""
    focus = ""
    if facts.target not in MarketStatus.values:
        return TransitionVerdict(errors={"status": _("Unknown status.")})
    if facts.target == facts.current:
        return TransitionVerdict(errors={"status": _("The market already has this status.")})
    if facts.target == MarketStatus.PAUSED:
        if not facts.reason.strip():
            errors["reason"] = _("Pausing a market needs a reason.")
        return TransitionVerdict(errors=errors)
    current_rank, target_rank = status_rank(facts.current), status_rank(facts.target)
    if facts.current != MarketStatus.PAUSED and target_rank > current_rank + 1:
        errors["status"] = _("A market moves forward one step at a time.")
    if target_rank < current_rank and not facts.reason.strip():
        errors["reason"] = _("Moving a market back needs a reason.")
    if (
        facts.is_county
        and target_rank > status_rank(MarketStatus.RESEARCHING)
        and status_rank(facts.central_city_status or MarketStatus.BLANK)
        < status_rank(MarketStatus.DEVELOPED)
    ):
        override = _(
            "Central city first: a county market cannot pass researching while its "
            "central city is not developed."
        )
    if facts.target == MarketStatus.DEVELOPED and not facts.checklist_met:
        errors["status"] = _("The success checklist is not met yet.")
    if facts.has_rep and facts.target in FOCUS_STATUSES and facts.current not in FOCUS_STATUSES:
        focus = focus_warning(facts.rep_focus_count)
    return TransitionVerdict(errors=errors, needs_override=override, needs_focus_confirm=focus)


def focus_warning(other_focus_markets: int) -> str:
    """The warning when a rep would hold more than FOCUS_LIMIT markets in trial/developing."""
    if other_focus_markets >= FOCUS_LIMIT:
        return _(
            "This rep already holds %(count)d markets in trial or developing; "
            "a manager must confirm a fourth."
        ) % {"count": other_focus_markets}
    return ""


# --- Success checklist -----------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistFacts:
    """Data-derived inputs; None means the figure cannot be computed here."""

    planned_channels: frozenset[str] = frozenset()
    dealer_channels: frozenset[str] | None = None
    planned_ka_stores: int | None = None
    ka_stores_entered: int = 0


COMPUTED_KEYS = frozenset({ChecklistKey.DEALERS_COVER_CHANNELS, ChecklistKey.KA_STORES_ENTERED})


def computed_item(key: str, facts: ChecklistFacts) -> bool | None:
    """True/False for items the data decides; None when the item must be ticked by hand."""
    if key == ChecklistKey.KA_STORES_ENTERED:
        if facts.planned_ka_stores is None:
            return None
        return facts.ka_stores_entered >= facts.planned_ka_stores
    if key == ChecklistKey.DEALERS_COVER_CHANNELS:
        if facts.dealer_channels is None:
            return None
        return bool(facts.planned_channels) and facts.planned_channels <= facts.dealer_channels
    return None


@dataclass(frozen=True)
class ChecklistLine:
    key: str
    met: bool
    computed: bool


def evaluate_checklist(
    keys: Iterable[str], facts: ChecklistFacts, ticked: Mapping[str, bool]
) -> list[ChecklistLine]:
    lines = []
    for key in keys:
        value = computed_item(key, facts)
        if value is None:
            lines.append(ChecklistLine(key=key, met=bool(ticked.get(key)), computed=False))
        else:
            lines.append(ChecklistLine(key=key, met=value, computed=True))
    return lines


def checklist_met(lines: Iterable[ChecklistLine]) -> bool:
    return all(line.met for line in lines)


# --- Survey completeness ---------------------------------------------------------------


@dataclass(frozen=True)
class SurveyFacts:
    county_count: int | None = None
    town_count: int | None = None
    ka_store_count: int | None = None
    ka_stores_listed: int = 0
    wholesale_markets: int = 0
    competitors_with_products: int = 0
    catering_outlets: int = 0
    catering_none: bool = False
    canteens: int = 0
    canteens_none: bool = False


def filled_sections(facts: SurveyFacts) -> set[str]:
    filled = set()
    if facts.county_count is not None and facts.town_count is not None:
        filled.add("a")
    if facts.ka_store_count is not None and (
        facts.ka_store_count == 0 or facts.ka_stores_listed >= 1
    ):
        filled.add("b")
    if facts.wholesale_markets >= 1:
        filled.add("c")
    if facts.competitors_with_products >= 1:
        filled.add("d")
    if facts.catering_outlets >= 1 or facts.catering_none:
        filled.add("e")
    if facts.canteens >= 1 or facts.canteens_none:
        filled.add("f")
    return filled


def completeness(facts: SurveyFacts) -> int:
    """Percent of required sections filled, rounded down."""
    done = len(filled_sections(facts) & set(REQUIRED_SURVEY_SECTIONS))
    return done * 100 // len(REQUIRED_SURVEY_SECTIONS)


# --- KA store assessment ---------------------------------------------------------------


def store_score(ratings: Iterable[int]) -> int:
    """0–100 from ten 1–5 ratings: all 1s score 0, all 5s score 100."""
    values = list(ratings)
    if len(values) != ASSESSMENT_ACTION_COUNT:
        raise ValueError(f"Expected {ASSESSMENT_ACTION_COUNT} ratings, got {len(values)}")
    if any(not isinstance(v, int) or v < 1 or v > 5 for v in values):
        raise ValueError("Ratings are whole numbers from 1 to 5")
    return round((sum(values) - ASSESSMENT_ACTION_COUNT) * 100 / (4 * ASSESSMENT_ACTION_COUNT))
