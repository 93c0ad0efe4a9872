"""Territory scoping on every page and API endpoint: out of scope is 404, never 403."""

import pytest
from django.urls import reverse

from accounts.models import Role
from markets.models import Market, Territory

from .factories import UserFactory


def page_urls(world, market_attr: str, territory_attr: str) -> list[str]:
    market = getattr(world, market_attr)
    territory = getattr(world, territory_attr)
    return [
        reverse("markets:market_detail", args=[market.pk]),
        reverse("markets:market_edit", args=[market.pk]),
        reverse("markets:territory_detail", args=[territory.code]),
    ]


def api_urls(world, market_attr: str, territory_attr: str) -> list[str]:
    market = getattr(world, market_attr)
    territory = getattr(world, territory_attr)
    return [f"/api/v1/markets/{market.pk}/", f"/api/v1/territories/{territory.code}"]


@pytest.mark.parametrize("index", range(3))
def test_rep_gets_404_for_other_markets_pages(client, world, rep, index):
    client.force_login(rep)

    response = client.get(page_urls(world, "changsha_market", "changsha")[index])

    assert response.status_code == 404


@pytest.mark.parametrize("index", range(2))
def test_rep_gets_404_for_other_markets_api(api_client, world, rep, index):
    api_client.force_authenticate(rep)

    response = api_client.get(api_urls(world, "changsha_market", "changsha")[index])

    assert response.status_code == 404


@pytest.mark.parametrize("index", range(2))
def test_rep_sees_own_market_api(api_client, world, rep, index):
    api_client.force_authenticate(rep)

    response = api_client.get(api_urls(world, "shenzhen_market", "shenzhen")[index])

    assert response.status_code == 200


def test_rep_sees_own_market_and_markets_below_it(client, world, rep):
    client.force_login(rep)

    assert (
        client.get(reverse("markets:market_detail", args=[world.shenzhen_market.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("markets:market_detail", args=[world.nanshan_market.pk])).status_code
        == 200
    )


def test_rep_market_list_shows_only_their_subtree(client, world, rep):
    client.force_login(rep)

    response = client.get(reverse("markets:market_list"))

    assert {m.pk for m in response.context["object_list"]} == {
        world.shenzhen_market.pk,
        world.nanshan_market.pk,
    }


def test_rep_cannot_edit_even_in_scope(client, world, rep):
    client.force_login(rep)

    response = client.get(reverse("markets:market_edit", args=[world.shenzhen_market.pk]))

    assert response.status_code == 403


def test_manager_sees_their_province_subtree_only(client, world, manager):
    client.force_login(manager)

    response = client.get(reverse("markets:market_list"))

    assert {m.territory.code for m in response.context["object_list"]} == {
        "440300",
        "440305",
        "440100",
    }


def test_manager_gets_404_outside_their_region(client, world, manager):
    client.force_login(manager)

    response = client.get(reverse("markets:market_detail", args=[world.changsha_market.pk]))

    assert response.status_code == 404


def test_hq_admin_sees_everything(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"))

    assert len(response.context["object_list"]) == Market.objects.count()


def test_superuser_counts_as_hq_admin(api_client, world):
    superuser = UserFactory(username="root", role=Role.REP, is_superuser=True, is_staff=True)
    api_client.force_authenticate(superuser)

    response = api_client.get(f"/api/v1/territories/{world.changsha.code}")

    assert response.status_code == 200


def test_user_without_territories_sees_nothing(api_client, world):
    lonely = UserFactory(username="lonely", role=Role.REP)
    api_client.force_authenticate(lonely)

    assert api_client.get("/api/v1/markets/").json()["results"] == []


def test_territory_api_list_is_scoped(api_client, world, rep):
    api_client.force_authenticate(rep)

    body = api_client.get("/api/v1/territories/").json()

    assert {item["code"] for item in body["results"]} == {"440300", "440305"}


def test_rep_put_on_out_of_scope_territory_is_404_and_changes_nothing(token_client, world, rep):
    response = token_client(rep).put(
        f"/api/v1/territories/{world.changsha.code}",
        {"name": "改名", "level": "city", "parent": "430000"},
        format="json",
    )

    assert response.status_code == 404
    assert Territory.objects.get(code="430100").name == "长沙市"


def test_scoped_subtree_is_one_query(world, manager, django_assert_num_queries):
    manager.scope_paths  # noqa: B018 - loaded once per request

    with django_assert_num_queries(1):
        codes = list(Territory.objects.for_user(manager).values_list("code", flat=True))

    assert sorted(codes) == ["440000", "440100", "440300", "440305"]


def test_scoped_django_admin_for_non_superuser_staff(client, world, manager):
    from django.contrib.auth.models import Permission

    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_market"))
    client.force_login(manager)

    response = client.get("/admin/markets/market/")

    assert {m.territory.code for m in response.context["cl"].result_list} == {
        "440300",
        "440305",
        "440100",
    }
