"""The target grid in a real browser: a manager types a figure, the totals follow, it saves;
a rep reads the grid on a phone without the page scrolling sideways."""

from decimal import Decimal

import pytest

from planning.choices import Measure, RevisionSource
from planning.models import Target
from planning.services import Cell, regional_figure_set, targets_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2026


def _cell(territory, month, value):
    return Cell(
        year=YEAR,
        month=month,
        measure=Measure.SELL_IN_VALUE,
        territory_id=territory.pk,
        territory_code=territory.code,
        territory_path=territory.path,
        value=Decimal(value),
    )


def test_manager_edits_a_cell_sees_the_totals_change_and_saves(
    desktop, live_server, login, browser_manager, hq_admin, world, screenshot
):
    targets_write(
        cells=[_cell(world.shenzhen, 1, 1000), _cell(world.guangzhou, 1, 500)],
        by=hq_admin,
        source=RevisionSource.API,
    )
    regional_figure_set(
        by=hq_admin,
        region_id=world.guangdong.pk,
        year=YEAR,
        measure=Measure.SELL_IN_VALUE,
        hq_value=Decimal(2000),
    )
    login(desktop, browser_manager.username)
    desktop.goto(f"{live_server.url}/planning/targets/440000/{YEAR}/sell_in_value/")
    assert desktop.inner_text("[data-grid-total]") == "1500"
    assert desktop.inner_text("[data-grid-difference]") == "-500"

    desktop.fill(f"input[name='c-m{world.shenzhen.pk}-2']", "500")

    assert desktop.inner_text(f"tr[data-row='m{world.shenzhen.pk}'] [data-row-total]") == "1500"
    assert desktop.inner_text("[data-month-total='2']") == "500"
    assert desktop.inner_text("[data-grid-total]") == "2000"
    assert desktop.inner_text("[data-grid-difference]") == "0"
    screenshot(desktop, "desktop-target-grid")
    desktop.locator("button[name=action][value=save]").last.click()

    desktop.wait_for_url(f"**/planning/targets/440000/{YEAR}/sell_in_value/")
    assert desktop.inner_text(".msg") == "目标已保存。"
    assert Target.objects.get(territory=world.shenzhen, month=2).value == Decimal(500)


def test_rep_reads_the_grid_on_a_phone_without_sideways_scroll(
    phone, live_server, login, rep, hq_admin, world, screenshot
):
    targets_write(cells=[_cell(world.shenzhen, 1, 1000)], by=hq_admin, source=RevisionSource.API)
    login(phone, rep.username)

    phone.goto(f"{live_server.url}/planning/targets/440000/{YEAR}/sell_in_value/")

    assert phone.locator("input[type=number]").count() == 0
    assert "1000" in phone.inner_text(f"tr[data-row='m{world.shenzhen.pk}']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "phone-target-grid")
