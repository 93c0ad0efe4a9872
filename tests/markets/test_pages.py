from django.urls import reverse

from markets.models import Market


def test_market_list_query_count_is_bounded(client, world, hq_admin, django_assert_max_num_queries):
    client.force_login(hq_admin)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("markets:market_list"))

    assert response.status_code == 200


def test_market_list_filters_by_status(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"), {"status": "trial"})

    assert [m.territory.code for m in response.context["object_list"]] == ["430100"]


def test_htmx_request_gets_only_the_table(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:market_list"), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert "<table" in content
    assert "<html" not in content


def test_territory_page_shows_children(client, world, hq_admin):
    client.force_login(hq_admin)

    response = client.get(reverse("markets:territory_detail", args=["440300"]))

    assert [child.code for child in response.context["children"]] == ["440305"]


def test_manager_edits_market_and_history_records_who_and_what(client, world, manager):
    client.force_login(manager)
    market = world.shenzhen_market
    url = reverse("markets:market_edit", args=[market.pk])
    form = client.get(url).context["form"]

    client.post(
        url,
        {
            "income_level": "高",
            "pillar_industries": "电子",
            "notes": "",
            "rep": "",
            "version": form.initial["version"].isoformat(),
        },
    )

    page = client.get(reverse("markets:market_detail", args=[market.pk]), HTTP_ACCEPT_LANGUAGE="en")
    latest = page.context["history"][0]
    assert latest.who == str(manager)
    assert ("income level", "", "高") in [
        (str(name), old, new) for name, old, new in latest.changes
    ]


def test_stale_edit_is_refused_and_keeps_newer_data(client, world, manager):
    client.force_login(manager)
    market = world.shenzhen_market
    url = reverse("markets:market_edit", args=[market.pk])
    stale_version = client.get(url).context["form"].initial["version"].isoformat()
    Market.objects.filter(pk=market.pk).update(income_level="中")  # someone else saves first
    Market.objects.get(pk=market.pk).save()

    response = client.post(
        url,
        {
            "income_level": "高",
            "pillar_industries": "",
            "notes": "",
            "rep": "",
            "version": stale_version,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "changed this record after you opened it" in response.content.decode()
    assert Market.objects.get(pk=market.pk).income_level == "中"
