"""A rep fills a scorecard on a phone and sees the decision; a manager sees the board."""

from importlib import import_module

import pytest
from django.apps import apps

from dealers.models import Evaluation
from tests.dealers.conftest import ALL_CODES
from tests.dealers.factories import CandidateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def candidate(world):
    # Transactional tests flush the scorecard the migration installed: put it back.
    import_module("dealers.migrations.0002_default_template").install(apps, None)
    return CandidateFactory(
        external_code="SZ-B01", name="深圳鹏程商贸", market=world.shenzhen_market
    )


def test_rep_fills_scorecard_on_phone_and_sees_decision(
    phone, live_server, login, rep, candidate, screenshot
):
    login(phone, rep.username)
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
