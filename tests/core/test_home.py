"""The home page: what each role sees first, with a bounded number of queries."""

from django.urls import reverse

from markets.models import Market


def test_rep_sees_their_own_markets(client, world, rep):
    Market.objects.filter(pk=world.shenzhen_market.pk).update(rep=rep)
    client.force_login(rep)

    response = client.get(reverse("home"))

    assert [m.territory.code for m in response.context["board"].my_markets] == ["440300"]


def test_manager_sees_market_counts_of_their_region(client, world, manager):
    client.force_login(manager)

    response = client.get(reverse("home"))

    assert response.context["summary"]["market_total"] == 3


def test_home_queries_are_bounded(client, world, hq_admin, django_assert_max_num_queries):
    client.force_login(hq_admin)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))

    assert response.status_code == 200
