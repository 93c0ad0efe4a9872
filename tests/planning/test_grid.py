"""The region grid: edit, save with a reason, stale edits, splits, revisions, roles."""

from decimal import Decimal

import pytest
from django.urls import reverse

from planning import selectors
from planning.choices import PlanStatus, RevisionSource
from planning.models import Target, TargetPlan, TargetRevision
from planning.services import plan_approve, plan_propose

from ..factories import CityFactory, MarketFactory
from .conftest import SELL_IN, YEAR, cell

D = Decimal


def _url(world, *, year=YEAR, measure=SELL_IN, suffix=""):
    return reverse("planning:grid", args=[world.guangdong.code, year, measure]) + suffix


def _version(world, user):
    return selectors.grid(
        user=user, region=world.guangdong, year=YEAR, measure=SELL_IN, with_dealers=False
    ).version


def _post(client, world, cells: dict, *, version, reason="", action="save", **extra):
    data = {"version": version, "reason": reason, "action": action, **extra}
    for (territory, month), value in cells.items():
        data[f"c-m{territory.pk}-{month}"] = value
    return client.post(_url(world), data)


def _values(territory, *, year=YEAR):
    return dict(
        Target.objects.filter(territory=territory, year=year, dealer=None).values_list(
            "month", "value"
        )
    )


def test_manager_saves_changed_cells_and_each_change_is_a_revision_with_who_and_why(
    client, world, manager, write
):
    write(cell(world.shenzhen, 1, 500))
    client.force_login(manager)

    response = _post(
        client,
        world,
        {(world.shenzhen, 1): "800", (world.shenzhen, 2): "900", (world.guangzhou, 1): "100"},
        version=_version(world, manager),
        reason="新品上市",
    )

    assert response.status_code == 302
    assert _values(world.shenzhen) == {1: D(800), 2: D(900)}
    revision = TargetRevision.objects.get(
        target__territory=world.shenzhen, target__month=1, changed_by=manager
    )
    assert (revision.old_value, revision.new_value) == (D(500), D(800))
    assert (revision.changed_by, revision.reason, revision.source) == (
        manager,
        "新品上市",
        RevisionSource.GRID,
    )
    assert TargetRevision.objects.filter(changed_by=manager).count() == 3


def test_unchanged_cells_write_no_revision(client, world, manager, write):
    write(cell(world.shenzhen, 1, 500))
    client.force_login(manager)

    _post(client, world, {(world.shenzhen, 1): "500"}, version=_version(world, manager))

    assert TargetRevision.objects.filter(changed_by=manager).count() == 0


def test_a_total_off_hqs_figure_needs_a_reason_and_saves_nothing_without_it(
    client, world, manager, hq_figure
):
    hq_figure(1000)
    client.force_login(manager)

    response = _post(client, world, {(world.shenzhen, 1): "800"}, version=_version(world, manager))

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert Target.objects.count() == 0


def test_a_total_equal_to_hqs_figure_needs_no_reason(client, world, manager, hq_figure):
    hq_figure(1000)
    client.force_login(manager)

    response = _post(
        client,
        world,
        {(world.shenzhen, 1): "600", (world.guangzhou, 1): "400"},
        version=_version(world, manager),
    )

    assert response.status_code == 302
    assert Target.objects.count() == 2


def test_the_reason_is_kept_on_the_regional_figure(client, world, manager, hq_figure):
    hq_figure(1000)
    client.force_login(manager)

    _post(
        client,
        world,
        {(world.shenzhen, 1): "800"},
        version=_version(world, manager),
        reason="深圳竞品降价",
    )

    grid = selectors.grid(
        user=manager, region=world.guangdong, year=YEAR, measure=SELL_IN, with_dealers=False
    )
    assert grid.figure.reason == "深圳竞品降价"
    assert (grid.total, grid.difference) == (D(800), D(-200))


def test_the_second_of_two_managers_editing_one_grid_is_refused_and_keeps_their_input(
    client, world, manager, manager2
):
    opened = _version(world, manager)  # both open the grid now
    client.force_login(manager)
    assert _post(client, world, {(world.shenzhen, 1): "700"}, version=opened).status_code == 302
    client.force_login(manager2)

    response = _post(client, world, {(world.shenzhen, 1): "999"}, version=opened)

    assert response.status_code == 400
    assert "Reload" in str(response.context["form"].non_field_errors()) or "刷新" in str(
        response.context["form"].non_field_errors()
    )
    assert response.context["form"][f"c-m{world.shenzhen.pk}-1"].value() == "999"
    assert _values(world.shenzhen) == {1: D(700)}


def test_two_first_saves_of_a_new_grid_do_not_both_apply(client, world, manager, manager2):
    client.force_login(manager)
    assert _post(client, world, {(world.shenzhen, 1): "700"}, version="").status_code == 302
    client.force_login(manager2)

    response = _post(client, world, {(world.guangzhou, 1): "5"}, version="")

    assert response.status_code == 400
    assert _values(world.guangzhou) == {}


def test_split_months_spreads_a_row_by_last_years_seasonality_without_saving(
    client, world, manager, last_year
):
    client.force_login(manager)

    response = client.post(
        _url(world),
        {
            "version": _version(world, manager),
            "action": f"split-months:m{world.shenzhen.pk}",
            f"t-m{world.shenzhen.pk}": "1000",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    months = [form[f"c-m{world.shenzhen.pk}-{m}"].value() for m in range(1, 13)]
    assert months == ["334", "333", "333"] + ["0"] * 9
    assert _values(world.shenzhen) == {}


def test_split_markets_spreads_the_regional_figure_by_last_years_share(
    client, world, manager, last_year
):
    client.force_login(manager)

    response = client.post(
        _url(world),
        {"version": _version(world, manager), "action": "split-markets", "region_total": "2100"},
    )

    form = response.context["form"]
    # last year: 深圳 900, 广州 1200, 南山 0 → 900, 1200, 0
    assert form[f"t-m{world.shenzhen.pk}"].value() == "900"
    assert form[f"t-m{world.guangzhou.pk}"].value() == "1200"
    assert form[f"t-m{world.nanshan.pk}"].value() == "0"
    assert [form[f"c-m{world.guangzhou.pk}-{m}"].value() for m in (1, 12)] == ["100", "100"]
    assert Target.objects.filter(year=YEAR).count() == 0


def test_grid_shows_last_year_beside_this_year(client, world, manager, last_year):
    client.force_login(manager)

    response = client.get(_url(world))

    rows = {row.code: row for row in response.context["grid"].rows}
    assert rows["440300"].last_year == {1: D(300), 2: D(300), 3: D(300)}
    assert rows["440300"].last_year_total == D(900)


def test_grid_page_query_count_does_not_grow_with_markets(
    client, world, manager, write, django_assert_max_num_queries
):
    client.force_login(manager)
    for i in range(12):
        city = CityFactory(code=f"44{51 + i}00", name=f"城市{i}", parent=world.guangdong)
        MarketFactory(territory=city)
        write(cell(city, 1, 10), cell(city, 2, 10, year=YEAR - 1))

    with django_assert_max_num_queries(10):
        response = client.get(_url(world, suffix="?dealers=1"))

    assert response.status_code == 200
    assert len(response.context["grid"].market_rows) == 15


def test_rep_reads_their_markets_without_inputs_and_cannot_post(client, world, rep, write):
    write(cell(world.shenzhen, 1, 500), cell(world.guangzhou, 1, 100))
    client.force_login(rep)

    page = client.get(_url(world))
    post = _post(client, world, {(world.shenzhen, 1): "1"}, version="")

    assert page.status_code == 200
    assert {row.code for row in page.context["grid"].rows} == {"440300", "440305"}
    assert f'name="c-m{world.shenzhen.pk}-1"' not in page.content.decode()
    assert post.status_code == 403
    assert _values(world.shenzhen) == {1: D(500)}


@pytest.mark.parametrize("suffix", ["", "export.xlsx", "history/"])
def test_another_regions_manager_gets_404_on_every_page(client, world, manager_hunan, suffix):
    client.force_login(manager_hunan)

    assert client.get(_url(world) + suffix).status_code == 404


def test_another_regions_manager_cannot_post_to_the_grid(client, world, manager_hunan):
    client.force_login(manager_hunan)

    response = _post(client, world, {(world.shenzhen, 1): "1"}, version="")

    assert response.status_code == 404
    assert Target.objects.count() == 0


def test_a_grid_naming_a_market_of_another_region_saves_nothing(client, world, manager):
    client.force_login(manager)
    data = {"version": "", "action": "save", f"c-m{world.changsha.pk}-1": "5"}

    client.post(_url(world), data)

    assert Target.objects.count() == 0


def test_propose_needs_the_reason_then_hq_approves_and_the_manager_can_no_longer_edit(
    client, world, manager, hq_admin, hq_figure
):
    hq_figure(1000)
    client.force_login(manager)
    _post(client, world, {(world.shenzhen, 1): "1000"}, version=_version(world, manager))
    plan = TargetPlan.objects.get(region=world.guangdong, year=YEAR)

    plan_propose(by=manager, plan_id=plan.pk)
    plan_approve(by=hq_admin, plan_id=plan.pk)
    response = _post(client, world, {(world.shenzhen, 1): "1"}, version=_version(world, manager))

    plan.refresh_from_db()
    assert (plan.status, plan.proposed_by, plan.approved_by) == (
        PlanStatus.APPROVED,
        manager,
        hq_admin,
    )
    assert response.status_code == 403
    assert _values(world.shenzhen) == {1: D(1000)}


def test_propose_is_refused_while_a_measure_differs_from_hq_without_a_reason(
    world, manager, hq_figure, write
):
    from django.core.exceptions import ValidationError

    hq_figure(1000)
    write(cell(world.shenzhen, 1, 10))
    plan = TargetPlan.objects.get(region=world.guangdong, year=YEAR)

    with pytest.raises(ValidationError):
        plan_propose(by=manager, plan_id=plan.pk)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_hq_sets_the_regional_figure_and_a_manager_may_not(client, world, manager, hq_admin):
    url = reverse("planning:figure", args=[world.guangdong.code, YEAR, SELL_IN])
    client.force_login(manager)
    assert client.post(url, {"hq_value": "5000"}).status_code == 403
    client.force_login(hq_admin)

    client.post(url, {"hq_value": "5000"})

    grid = selectors.grid(
        user=hq_admin, region=world.guangdong, year=YEAR, measure=SELL_IN, with_dealers=False
    )
    assert grid.hq_value == D(5000)


def test_history_page_lists_revisions_with_who_and_why(client, world, manager):
    client.force_login(manager)
    _post(
        client, world, {(world.shenzhen, 1): "800"}, version=_version(world, manager), reason="补货"
    )

    response = client.get(_url(world, suffix="history/"))

    revisions = list(response.context["revisions"])
    assert [(r.new_value, r.reason, r.changed_by) for r in revisions] == [(D(800), "补货", manager)]
