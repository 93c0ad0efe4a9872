"""Entering the account's records on its pages: yearly table, terms, buyers, stores, SKUs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from keyaccounts.models import AccountYear, CompetitorComparison, Contact, KeyAccount, TradeTerms

from .factories import ContactFactory, OutletFactory, TradeTermsFactory


def test_manager_creates_an_account_in_scope(client, manager, world):
    client.force_login(manager)

    response = client.post(
        reverse("keyaccounts:account_create"),
        {
            "external_code": "GZ-9",
            "name": "广州新店",
            "format": "supermarket",
            "territory": world.guangzhou.pk,
        },
    )

    account = KeyAccount.objects.get(external_code="GZ-9")
    assert response.url == reverse("keyaccounts:account_detail", args=[account.pk])
    assert account.territory == world.guangzhou


def test_account_cannot_be_created_outside_scope(client, manager, world):
    client.force_login(manager)

    response = client.post(
        reverse("keyaccounts:account_create"),
        {
            "external_code": "CS-9",
            "name": "长沙",
            "format": "supermarket",
            "territory": world.changsha.pk,
        },
    )

    assert response.status_code == 200
    assert "territory" in response.context["form"].errors
    assert not KeyAccount.objects.filter(external_code="CS-9").exists()


def terms_data(year: int) -> dict:
    data = {
        field: "0"
        for field in (
            "fixed_discount_pct",
            "month_end_rebate_pct",
            "year_end_rebate_pct",
            "other_rebate_pct",
            "credit_limit",
            "payment_days",
            "new_store_sponsorship",
            "anniversary_sponsorship",
            "listing_fee",
            "display_fee_shelf",
            "display_fee_floor_stack",
            "promotion_count",
            "promotion_cost",
            "merchandiser_count",
            "merchandiser_cost",
            "promoter_count",
            "promoter_cost",
        )
    }
    return data | {"year": str(year), "sales": "500000", "promotion_our_share_pct": "100"}


def test_trade_terms_are_added_for_a_year(client, manager, accounts):
    client.force_login(manager)
    url = reverse("keyaccounts:record_create", args=[accounts.shenzhen.pk, "trade-terms"])

    response = client.post(url, terms_data(2025) | {"listing_fee": "10000"})

    assert response.status_code == 302
    terms = TradeTerms.objects.get(account=accounts.shenzhen)
    assert (terms.year, terms.listing_fee) == (2025, Decimal("10000.00"))


def test_second_terms_for_the_same_year_are_refused(client, manager, accounts):
    TradeTermsFactory(account=accounts.shenzhen, year=2025, sales=Decimal(1))
    client.force_login(manager)
    url = reverse("keyaccounts:record_create", args=[accounts.shenzhen.pk, "trade-terms"])

    response = client.post(url, terms_data(2025))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(TradeTerms.objects.values_list("sales", flat=True)) == [Decimal("1.00")]


def test_stale_terms_edit_is_refused(client, manager, accounts):
    terms = TradeTermsFactory(account=accounts.shenzhen, year=2025)
    client.force_login(manager)
    url = reverse("keyaccounts:record_edit", args=[accounts.shenzhen.pk, "trade-terms", terms.pk])
    version = client.get(url).context["form"].initial["version"].isoformat()
    TradeTerms.objects.get(pk=terms.pk).save()  # someone else saves first

    response = client.post(url, terms_data(2025) | {"sales": "999", "version": version})

    assert response.status_code == 200
    terms.refresh_from_db()
    assert terms.sales == Decimal("1000000.00")


def test_reporting_line_loop_is_refused(client, manager, accounts):
    boss = ContactFactory(account=accounts.shenzhen, name="王总", dmu_role="owner")
    buyer = ContactFactory(account=accounts.shenzhen, name="李采购", reports_to=boss)
    client.force_login(manager)
    url = reverse("keyaccounts:record_edit", args=[accounts.shenzhen.pk, "contacts", boss.pk])

    response = client.post(url, {"name": "王总", "dmu_role": "owner", "reports_to": buyer.pk})

    assert response.status_code == 200
    assert "reports_to" in response.context["form"].errors
    boss.refresh_from_db()
    assert boss.reports_to_id is None


def test_contact_form_offers_only_this_accounts_contacts(client, manager, accounts):
    mine = ContactFactory(account=accounts.shenzhen)
    ContactFactory(account=accounts.changsha)
    client.force_login(manager)

    form = client.get(
        reverse("keyaccounts:record_create", args=[accounts.shenzhen.pk, "contacts"])
    ).context["form"]

    assert list(form.fields["reports_to"].queryset) == [mine]


def test_store_card_form_offers_only_free_ka_stores_in_scope(client, manager, accounts, world):
    store = OutletFactory(territory=world.shenzhen, name="南山店")
    OutletFactory(territory=world.changsha, name="长沙店")
    OutletFactory(territory=world.shenzhen, name="批发部", kind="wholesale")
    client.force_login(manager)

    form = client.get(
        reverse("keyaccounts:record_create", args=[accounts.shenzhen.pk, "stores"])
    ).context["form"]

    assert list(form.fields["outlet"].queryset) == [store]


def test_yearly_figures_are_entered_as_a_table(client, manager, accounts):
    AccountYear.objects.create(account=accounts.shenzhen, year=2024, store_count=40)
    client.force_login(manager)
    url = reverse("keyaccounts:years_edit", args=[accounts.shenzhen.pk])
    formset = client.get(url).context["formset"]
    data = {
        "years-TOTAL_FORMS": "2",
        "years-INITIAL_FORMS": "1",
        "years-MIN_NUM_FORMS": "0",
        "years-MAX_NUM_FORMS": "1000",
        "years-0-id": str(formset.forms[0].instance.pk),
        "years-0-year": "2024",
        "years-0-store_count": "42",
        "years-1-year": "2025",
        "years-1-store_count": "48",
        "years-1-our_volume": "100",
        "years-1-category_volume": "400",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(AccountYear.objects.order_by("year").values_list("year", "store_count")) == [
        (2024, 42),
        (2025, 48),
    ]
    assert AccountYear.objects.get(year=2025).our_share_pct == Decimal("25.00")


def test_comparison_table_has_a_row_per_aspect(client, manager, accounts):
    client.force_login(manager)
    url = reverse("keyaccounts:comparison_edit", args=[accounts.shenzhen.pk])
    formset = client.get(url).context["formset"]
    data = {
        "cmp-TOTAL_FORMS": "13",
        "cmp-INITIAL_FORMS": "0",
        "cmp-MIN_NUM_FORMS": "0",
        "cmp-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        data[f"cmp-{index}-aspect"] = form.initial["aspect"]
    data["cmp-0-ours"] = "30%"

    response = client.post(url, data)

    assert response.status_code == 302
    assert len(formset.forms) == 13
    assert list(CompetitorComparison.objects.values_list("aspect", "ours")) == [
        ("sales_share", "30%")
    ]


@pytest.mark.parametrize(
    "name", ["years_edit", "comparison_edit", "trade-terms", "contacts", "skus", "stores"]
)
def test_rep_outside_gets_404_for_record_pages(client, rep, accounts, name):
    client.force_login(rep)
    if name in ("years_edit", "comparison_edit"):
        url = reverse(f"keyaccounts:{name}", args=[accounts.changsha.pk])
    else:
        url = reverse("keyaccounts:record_create", args=[accounts.changsha.pk, name])

    assert client.get(url).status_code == 404


def test_rep_in_scope_may_read_but_not_add_records(client, rep, accounts):
    client.force_login(rep)

    response = client.post(
        reverse("keyaccounts:record_create", args=[accounts.shenzhen.pk, "contacts"]),
        {"name": "新人", "dmu_role": "buyer"},
    )

    assert response.status_code == 403
    assert Contact.objects.count() == 0


def test_unknown_record_kind_is_404(client, manager, accounts):
    client.force_login(manager)

    assert client.get(f"/key-accounts/{accounts.shenzhen.pk}/secrets/new/").status_code == 404
