"""A rep fills a scorecard on a phone and sees the decision; a manager sees the board."""

import threading

import pytest
from django.apps import apps

from dealers.installs import install_default_scorecard
from dealers.models import Evaluation
from tests.dealers.conftest import ALL_CODES
from tests.dealers.factories import CandidateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidate(world):
    # Transactional tests flush the scorecard the migration installed: put it back.
    install_default_scorecard(apps)
    return CandidateFactory(
        external_code="SZ-B01", name="深圳鹏程商贸", market=world.shenzhen_market
    )


def test_rep_fills_scorecard_on_phone_and_sees_decision(
    phone, live_server, login, rep, candidate, screenshot
):
    login(phone, rep.username)
    autosaves = _track_autosaves(phone)
    phone.goto(f"{live_server.url}/dealers/{candidate.pk}/evaluate/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # The first rating is autosaved as a draft before anything is submitted.
    with phone.expect_response(lambda r: r.request.method == "POST" and "/evaluate/" in r.url):
        phone.click("fieldset[data-code=brand_interest] label.rate:has-text('5')")
    phone.wait_for_selector("#autosave >> text=✓")
    assert Evaluation.objects.get().submitted is False
    phone.fill("textarea[name=n_brand_interest]", "老板当场要求首批打款")
    screenshot(phone, "phone-scorecard")
    for code in ALL_CODES[1:]:
        section = phone.locator(f"fieldset[data-code={code}]").locator("xpath=ancestor::details")
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        phone.click(f"fieldset[data-code={code}] label.rate:has-text('4')")
    phone.click("button[name=submit]")
    phone.wait_for_selector("[data-decision]")
    decision = phone.locator("[data-decision]")
    assert decision.get_attribute("data-decision") == "strongly_recommended"
    screenshot(phone, "phone-decision")
    evaluation = Evaluation.objects.get()
    assert (evaluation.submitted, evaluation.notes["brand_interest"]) == (
        True,
        "老板当场要求首批打款",
    )
    # The page never had two autosaves under way at once.
    assert autosaves["sent"] >= 1
    assert autosaves["most_at_once"] == 1


@pytest.fixture
def oversized_candidate(candidate, monkeypatch):
    """Ten times what the market plan asks of a dealer (warehouse and covered outlets)."""
    from decimal import Decimal

    from markets import selectors as market_selectors
    from markets.selectors import RequiredCapacity

    need = RequiredCapacity(
        working_capital=None,
        warehouse_m2=Decimal(100),
        deliverable_outlets_per_week=None,
        covered_outlets=100,
        is_key_city=False,
    )
    monkeypatch.setattr(market_selectors, "required_capacity", lambda *, market: need)
    candidate.warehouse_m2 = Decimal(1000)
    candidate.covered_outlets = 1000
    candidate.save()
    return candidate


def test_rep_rates_an_oversized_candidate_and_sees_why_on_a_phone(
    phone, live_server, login, rep, oversized_candidate, screenshot
):
    login(phone, rep.username)
    phone.goto(f"{live_server.url}/dealers/{oversized_candidate.pk}/evaluate/")
    # The form carries the dealer's capacity: ten times the plan's need.
    assert float(phone.locator("input[name=warehouse_m2]").input_value()) == 1000
    for code in ALL_CODES:
        section = phone.locator(f"fieldset[data-code={code}]").locator("xpath=ancestor::details")
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        level = "2" if code == "stores" else "4"
        phone.click(f"fieldset[data-code={code}] label.rate:has-text('{level}')")
    phone.click("button[name=submit]")
    phone.wait_for_selector("[data-decision]")

    assert phone.locator("[data-decision]").get_attribute("data-decision") == "oversized"
    reasons = phone.locator("#decision [data-reasons]")
    reasons.scroll_into_view_if_needed()
    assert reasons.is_visible()
    assert reasons.inner_text().strip() == "实力不匹配：客大欺厂（实力 48.0，需求倍数 10.0）"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "phone-oversized-reason")
    assert Evaluation.objects.get().reasons[0]["code"] == "oversized"


def test_submitting_waits_for_the_autosave_under_way(
    phone, live_server, login, rep, candidate, monkeypatch
):
    """A slow autosave is still under way when the rep submits: the page sends the
    submission after it, so the server never sees them overlap or out of order."""
    from dealers import services

    save = services.evaluation_save
    calls: list[str] = []
    first_arrived, release_first = threading.Event(), threading.Event()

    def slow_first_save(**kwargs):
        calls.append("submit" if kwargs["submit"] else "autosave")
        if len(calls) == 1:
            first_arrived.set()
            release_first.wait(timeout=30)
        return save(**kwargs)

    monkeypatch.setattr(services, "evaluation_save", slow_first_save)
    login(phone, rep.username)
    phone.goto(f"{live_server.url}/dealers/{candidate.pk}/evaluate/")
    phone.click("fieldset[data-code=brand_interest] label.rate:has-text('5')")
    assert first_arrived.wait(timeout=10)
    for code in ALL_CODES[1:]:
        section = phone.locator(f"fieldset[data-code={code}]").locator("xpath=ancestor::details")
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        phone.click(f"fieldset[data-code={code}] label.rate:has-text('4')")

    phone.click("button[name=submit]")
    assert calls == ["autosave"]
    release_first.set()

    phone.wait_for_selector("[data-decision]")
    assert calls == ["autosave", "submit"]
    evaluation = Evaluation.objects.get()
    assert (evaluation.submitted, evaluation.ratings["brand_interest"]) == (True, 5)


def _track_autosaves(page) -> dict:
    """Count the page's autosave requests and the most that were under way at once."""
    state = {"sent": 0, "open": 0, "most_at_once": 0}

    def is_autosave(request) -> bool:
        return request.method == "POST" and request.resource_type == "fetch"

    def started(request):
        if is_autosave(request):
            state["sent"] += 1
            state["open"] += 1
            state["most_at_once"] = max(state["most_at_once"], state["open"])

    def ended(request):
        if is_autosave(request):
            state["open"] -= 1

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    return state


def test_manager_board_on_desktop_moves_a_candidate(
    desktop, live_server, login, browser_manager, candidate, screenshot
):
    login(desktop, browser_manager.username)
    desktop.goto(f"{live_server.url}/dealers/board/?market=440300")
    card = desktop.locator("article.kcard", has_text="深圳鹏程商贸")
    card.locator("button[value=screening]").click()
    desktop.wait_for_selector("section.stage-col-screening article.kcard")
    candidate.refresh_from_db()
    assert candidate.stage == "screening"
    screenshot(desktop, "desktop-dealer-board")


def test_manager_compares_candidates_with_a_radar(
    desktop, live_server, login, browser_manager, candidate, world, screenshot
):
    from dealers import services
    from tests.dealers.conftest import all_ratings

    other = CandidateFactory(
        external_code="SZ-B02", name="深圳南粤优选", market=world.shenzhen_market
    )
    for who, level in ((candidate, 4), (other, 3)):
        services.evaluation_save(
            candidate_id=who.pk, user=browser_manager, ratings=all_ratings(level), submit=True
        )
    login(desktop, browser_manager.username)
    desktop.goto(f"{live_server.url}/dealers/compare/{world.shenzhen_market.pk}/")
    desktop.wait_for_selector("#radar canvas")
    rows = desktop.locator("table.compare tbody tr td:first-child").all_inner_texts()
    assert rows == ["深圳鹏程商贸", "深圳南粤优选"]
    screenshot(desktop, "desktop-dealer-compare")
