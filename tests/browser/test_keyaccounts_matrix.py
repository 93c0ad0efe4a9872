"""The KA portfolio matrix in a real browser: the chart draws and a point opens its account."""

from decimal import Decimal

import pytest

from keyaccounts import services

from ..keyaccounts.factories import KeyAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAR = {
    "annual_turnover": Decimal(520000),
    "growth_rate": Decimal(22),
    "dso_days": 28,
    "merchandising_share": Decimal(23),
    "activity_share": Decimal(41),
    "skus_carried": 21,
    "buyer_relationship": 5,
}


def test_manager_opens_matrix_and_clicks_through_to_an_account(
    desktop, live_server, login, browser_manager, world, screenshot
):
    account = KeyAccountFactory(
        external_code="SZ-STAR", name="深圳明星超市", territory=world.shenzhen
    )
    services.assessment_upsert(account=account, year=2025, measures=STAR)
    login(desktop, browser_manager.username)

    desktop.goto(f"{live_server.url}/key-accounts/matrix/?year=2025")
    desktop.wait_for_function(
        "window.echarts && echarts.getInstanceByDom(document.getElementById('ka-matrix-chart'))"
    )
    x, y = desktop.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('ka-matrix-chart'));
          const [px, py] = chart.convertToPixel({gridIndex: 0}, [100, 100]);
          const box = document.getElementById('ka-matrix-chart').getBoundingClientRect();
          return [box.left + px, box.top + py];
        }"""
    )
    screenshot(desktop, "desktop-ka-matrix")

    desktop.mouse.click(x, y)

    desktop.wait_for_url(f"{live_server.url}/key-accounts/{account.pk}/")
    assert desktop.inner_text("h1").startswith("深圳明星超市")
    assert desktop.get_attribute("h1 .badge", "data-quadrant") == "star"


def test_rep_reads_an_account_on_a_phone_without_sideways_scroll(
    phone, live_server, login, rep, world, screenshot
):
    account = KeyAccountFactory(external_code="SZ-P", name="深圳手机超市", territory=world.shenzhen)
    services.assessment_upsert(account=account, year=2025, measures=STAR)
    login(phone, rep.username)

    phone.goto(f"{live_server.url}/key-accounts/{account.pk}/")

    assert phone.inner_text("h1").startswith("深圳手机超市")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "phone-ka-account")
