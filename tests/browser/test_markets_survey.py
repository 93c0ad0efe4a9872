"""A rep fills a survey section on a phone; a manager reads the market page on a desktop."""

import datetime
from decimal import Decimal

import pytest

from markets import services
from markets.models import MarketSurvey, Outlet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_fills_a_survey_section_on_a_phone_and_completeness_rises(
    phone, live_server, login, rep, world, screenshot
):
    survey = services.survey_create(
        market_id=world.shenzhen_market.pk, rep=rep, surveyed_on=datetime.date(2026, 11, 2)
    )
    login(phone, rep.username)
    phone.goto(f"{live_server.url}/markets/surveys/{survey.pk}/")
    assert phone.locator("[data-completeness]").first.inner_text() == "0%"

    phone.fill("#id_a-county_count", "9")
    phone.fill("#id_a-town_count", "74")
    phone.click("[data-save=a]")

    phone.wait_for_url(f"**/markets/surveys/{survey.pk}/#section-a")
    assert phone.locator("[data-completeness]").first.inner_text() == "16%"
    assert MarketSurvey.objects.get(pk=survey.pk).completeness == 16
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "phone-market-survey")


def test_manager_reads_the_market_page_with_map_on_a_desktop(
    desktop, live_server, login, browser_manager, world, screenshot
):
    Outlet.objects.bulk_create(
        Outlet(
            territory=world.shenzhen,
            kind=["ka_store", "wholesale", "catering"][i % 3],
            name=f"网点{i}",
            longitude=Decimal("113.90") + Decimal(i % 17) / 100,
            latitude=Decimal("22.50") + Decimal(i % 11) / 100,
        )
        for i in range(60)
    )
    login(desktop, browser_manager.username)

    desktop.goto(f"{live_server.url}/markets/{world.shenzhen_market.pk}/")

    desktop.wait_for_selector("#market-map canvas")
    assert desktop.locator("#outlets tbody tr").count() == 30
    screenshot(desktop, "desktop-market-page")


def test_phone_loads_the_map_library_only_on_request(phone, live_server, login, rep, world):
    world.shenzhen_market.rep = rep
    world.shenzhen_market.save()
    Outlet.objects.create(
        territory=world.shenzhen,
        kind="ka_store",
        name="沃尔玛",
        longitude=Decimal("114.05"),
        latitude=Decimal("22.54"),
    )
    scripts: list[str] = []
    phone.on("request", lambda request: scripts.append(request.url))
    login(phone, rep.username)

    phone.goto(f"{live_server.url}/markets/{world.shenzhen_market.pk}/")
    assert not any("echarts" in url for url in scripts)

    phone.click("[data-show-chart]")
    phone.wait_for_selector("#market-map canvas")
    assert any("echarts" in url for url in scripts)
