"""The markets list's province and city filters offer only the user's territories."""

from django.urls import reverse


def _choices(response, name):
    field = response.context["filterset"].form.fields[name]
    return [str(code) for code, _label in field.choices if code]


def test_a_manager_is_offered_only_provinces_in_scope(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("markets:market_list"))

    assert _choices(response, "province") == ["440000"]
    assert "湖南省" not in response.text


def test_a_manager_is_offered_only_cities_in_scope(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("markets:market_list"))

    assert _choices(response, "city") == ["440100", "440300"]
    assert "长沙市" not in response.text


def test_hq_is_offered_every_province(client, hq_admin, world):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"))

    assert _choices(response, "province") == ["430000", "440000"]


def test_filtering_by_a_province_out_of_scope_shows_nothing_of_it(client, manager, world):
    client.force_login(manager)

    response = client.get(reverse("markets:market_list"), {"province": "430000"})

    assert "长沙市" not in response.text


def test_the_api_filter_refuses_a_province_out_of_scope(token_client, manager, world):
    response = token_client(manager).get("/api/v1/markets/", {"province": "430000"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["province"]
