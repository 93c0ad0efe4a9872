"""The web shell as a rep on a phone and a manager on a desktop see it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_logs_in_on_a_phone_and_sees_only_their_markets(
    phone, live_server, login, rep, world, screenshot
):
    login(phone, rep.username)
    phone.click("[data-nav-toggle]")
    phone.click("#mainnav >> text=市场")
    phone.wait_for_url(f"{live_server.url}/markets/")

    rows = phone.locator("table.list tbody tr")
    names = sorted(rows.locator("td:first-child").all_inner_texts())
    assert names == ["南山区", "深圳市"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "phone-market-list")


def test_language_switch_to_english(phone, live_server, login, rep, world):
    login(phone, rep.username)

    phone.click("button[name=language][value=en]")

    phone.wait_for_selector("text=Markets in your scope")
    assert phone.title() == "Home · DealerHub"


def test_manager_filters_markets_without_a_full_reload(
    desktop, live_server, login, browser_manager, world, screenshot
):
    login(desktop, browser_manager.username)
    desktop.goto(f"{live_server.url}/markets/")
    desktop.evaluate("window.__marker = 'still here'")

    with desktop.expect_response(lambda r: "status=developing" in r.url):
        desktop.select_option("select[name=status]", "developing")

    desktop.wait_for_function("document.querySelectorAll('table.list tbody tr').length === 1")
    assert desktop.inner_text("table.list tbody tr td:first-child") == "广州市"
    assert desktop.evaluate("window.__marker") == "still here"
    screenshot(desktop, "desktop-market-filter")


def test_market_page_shows_change_history(desktop, live_server, login, browser_manager, world):
    login(desktop, browser_manager.username)
    desktop.goto(f"{live_server.url}/markets/{world.guangzhou_market.pk}/edit/")

    desktop.fill("input[name=income_level]", "高")
    desktop.click("main button[type=submit]")

    desktop.wait_for_selector(".history .timeline li")
    assert "高" in desktop.inner_text(".history .timeline li:first-child")


def test_api_docs_render_offline_for_a_manager(desktop, live_server, login, browser_manager):
    outside = []
    desktop.on(
        "response",
        lambda response: (
            None
            if response.url.startswith((live_server.url, "blob:", "data:"))
            else outside.append(response.url)
        ),
    )
    login(desktop, browser_manager.username)

    desktop.goto(f"{live_server.url}/api/v1/docs/")

    desktop.get_by_text("Create or update a territory by its administrative code").first.wait_for(
        state="attached"
    )
    assert outside == []  # nothing fetched from a CDN (Redoc's logo is blocked by CSP)
