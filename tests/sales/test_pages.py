"""Pages: products readable by everyone signed in, editable by HQ only (403 otherwise);
the import for HQ and managers (403 for reps)."""

import pytest
from django.urls import reverse

from sales.models import Product


@pytest.mark.parametrize(("persona", "status"), [("hq_admin", 200), ("manager", 200), ("rep", 200)])
def test_everyone_signed_in_reads_products(client, request, persona, status, bottle, jug):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("sales:product_list"))

    assert response.status_code == status
    assert "SOY-5L" in response.content.decode()


def test_the_product_list_takes_a_bounded_number_of_queries(
    client, hq_admin, django_assert_max_num_queries
):
    from .factories import ProductFactory

    ProductFactory.create_batch(30)
    client.force_login(hq_admin)
    with django_assert_max_num_queries(8):
        client.get(reverse("sales:product_list"))


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_only_hq_edits_products(client, request, persona, bottle):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("sales:product_edit", args=[bottle.pk]), {"name": "改名"}, follow=False
    )

    assert response.status_code == 403
    assert Product.objects.get(pk=bottle.pk).name == "生抽 500ml"


def test_hq_creates_a_product_and_its_margin_class_follows_the_rate(client, hq_admin):
    client.force_login(hq_admin)

    response = client.post(
        reverse("sales:product_create"),
        {
            "external_code": "VIN-500",
            "name": "香醋",
            "category": "醋",
            "unit": "箱",
            "list_price": "100.00",
            "unit_margin": "35.00",
            "standard_factor": "1.0000",
            "life_cycle": "new",
        },
    )

    assert response.status_code == 302
    assert Product.objects.get(external_code="VIN-500").margin_class == "high"


def test_reps_cannot_import_actuals(client, rep):
    client.force_login(rep)

    assert client.get(reverse("sales:actuals_import")).status_code == 403


def test_anonymous_users_go_to_the_login(client):
    assert client.get(reverse("sales:product_list")).status_code == 302
