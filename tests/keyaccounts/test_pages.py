from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from keyaccounts.models import Assessment, KeyAccount, RecomputeJob

from .conftest import MEASURES
from .factories import (
    AssessmentFactory,
    ContactFactory,
    KeyAccountFactory,
    OutletCardFactory,
    SkuListingFactory,
    TradeTermsFactory,
)


def test_account_list_shows_latest_quadrant_and_is_bounded(
    client, hq_admin, world, template, django_assert_max_num_queries
):
    for index in range(20):
        AssessmentFactory(
            account=KeyAccountFactory(territory=world.shenzhen, name=f"链{index:02d}"),
            template=template,
        )
    client.force_login(hq_admin)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("keyaccounts:account_list"))

    first = response.context["object_list"][0]
    assert (first.name, first.latest_year, first.latest_quadrant) == ("链00", 2025, "star")


def test_account_list_filters_by_quadrant(client, hq_admin, accounts, template):
    AssessmentFactory(account=accounts.shenzhen, template=template, quadrant="dog")
    AssessmentFactory(account=accounts.changsha, template=template, quadrant="star")
    client.force_login(hq_admin)

    response = client.get(reverse("keyaccounts:account_list"), {"quadrant": "dog"})

    assert [a.external_code for a in response.context["object_list"]] == ["SZ-001"]


def test_account_page_shows_trade_spend_with_year_comparison(client, manager, accounts):
    TradeTermsFactory(
        account=accounts.shenzhen, year=2024, sales=Decimal(1000000), listing_fee=Decimal(50000)
    )
    TradeTermsFactory(
        account=accounts.shenzhen,
        year=2025,
        sales=Decimal(1200000),
        listing_fee=Decimal(60000),
        fixed_discount_pct=Decimal(1),
    )
    client.force_login(manager)

    response = client.get(reverse("keyaccounts:account_detail", args=[accounts.shenzhen.pk]))

    rows = [
        (r.terms.year, r.spend.total, r.spend.pct_of_sales, r.spend_change_pct, r.sales_change_pct)
        for r in response.context["terms"]
    ]
    assert rows == [
        (2025, Decimal("72000.00"), Decimal("6.00"), Decimal("44.00"), Decimal("20.00")),
        (2024, Decimal("50000.00"), Decimal("5.00"), None, None),
    ]


def test_account_page_draws_reporting_lines(client, manager, accounts):
    boss = ContactFactory(account=accounts.shenzhen, name="王总", dmu_role="decision_maker")
    ContactFactory(account=accounts.shenzhen, name="李采购", dmu_role="buyer", reports_to=boss)
    client.force_login(manager)

    response = client.get(reverse("keyaccounts:account_detail", args=[accounts.shenzhen.pk]))

    org = response.context["org"]
    assert [(n.contact.name, [c.contact.name for c in n.children]) for n in org] == [
        ("王总", ["李采购"])
    ]


def test_account_page_explains_delisting_flags(client, manager, accounts):
    SkuListingFactory(account=accounts.shenzhen, sku_code="A1", out_of_stock_reports=4)
    client.force_login(manager)

    response = client.get(
        reverse("keyaccounts:account_detail", args=[accounts.shenzhen.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    _, flags = response.context["listings"][0]
    assert flags == [
        {
            "code": "out_of_stock",
            "message": "4 out-of-stock reports: delivery or supply is inconsistent.",
        }
    ]


def test_assessment_form_scores_the_year(client, manager, accounts, template):
    client.force_login(manager)
    data = {key: str(value) for key, value in MEASURES.items()} | {"year": "2024"}

    response = client.post(
        reverse("keyaccounts:assessment_edit", args=[accounts.shenzhen.pk]), data
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get(account=accounts.shenzhen, year=2024)
    assert (assessment.attractiveness, assessment.quadrant) == (Decimal("56.00"), "question_mark")


def test_rep_cannot_open_the_assessment_form(client, rep, accounts):
    client.force_login(rep)

    response = client.get(reverse("keyaccounts:assessment_edit", args=[accounts.shenzhen.pk]))

    assert response.status_code == 403


def test_matrix_with_1000_accounts_renders_with_bounded_queries(
    client, hq_admin, world, template, django_assert_max_num_queries
):
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(external_code=f"B{i:05d}", name=f"连锁{i:04d}", territory=world.shenzhen)
        for i in range(1000)
    )
    quadrants = ["star", "question_mark", "cash_cow", "dog"]
    Assessment.objects.bulk_create(
        Assessment(
            account=account,
            year=year,
            template=template,
            annual_turnover=1,
            growth_rate=1,
            dso_days=1,
            merchandising_share=1,
            activity_share=1,
            skus_carried=1,
            buyer_relationship=1,
            attractiveness=(i * 7 + year) % 100,
            supportiveness=(i * 13) % 100,
            quadrant=quadrants[(i + year) % 4],
        )
        for i, account in enumerate(accounts)
        for year in (2024, 2025)
    )
    client.force_login(hq_admin)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("keyaccounts:matrix"), {"year": 2025})

    assert response.status_code == 200
    assert len(response.context["points"]) == 1000
    assert len(response.context["chart"]["points"]) == 1000
    assert len(response.context["moved"]) == 1000


def test_matrix_filters_by_region_and_shows_movement(client, hq_admin, accounts, template):
    AssessmentFactory(account=accounts.shenzhen, template=template, year=2024, quadrant="dog")
    AssessmentFactory(account=accounts.shenzhen, template=template, year=2025, quadrant="star")
    AssessmentFactory(account=accounts.changsha, template=template, year=2025)
    client.force_login(hq_admin)

    response = client.get(reverse("keyaccounts:matrix"), {"year": 2025, "region": "440000"})

    assert [
        (p.external_code, p.previous_quadrant, p.quadrant) for p in response.context["moved"]
    ] == [("SZ-001", "dog", "star")]
    assert [p.external_code for p in response.context["points"]] == ["SZ-001"]


def test_matrix_page_names_quadrants_in_both_languages(client, hq_admin, world):
    client.force_login(hq_admin)

    content = client.get(reverse("keyaccounts:matrix"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for label in ("Star 明星", "Question mark 问题", "Cash cow 现金牛", "Dog 瘦狗"):
        assert label in content


def test_matrix_export_is_a_workbook_that_escapes_formulas(client, hq_admin, world, template):
    account = KeyAccountFactory(external_code="X1", name="=HYPERLINK(1)", territory=world.shenzhen)
    AssessmentFactory(account=account, template=template)
    client.force_login(hq_admin)

    response = client.get(reverse("keyaccounts:matrix_export"), {"year": 2025})

    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][:6] == [
        "X1",
        "'=HYPERLINK(1)",
        "深圳市",
        100,
        100,
        "Star 明星",
    ]


def test_template_editor_refuses_weights_not_summing_to_100(client, hq_admin, template):
    client.force_login(hq_admin)
    form = client.get(reverse("keyaccounts:template_create")).context["formset"]
    data = {
        "name": "新版",
        "threshold_attractiveness": "50",
        "threshold_supportiveness": "50",
        "criteria-TOTAL_FORMS": str(len(form.forms)),
        "criteria-INITIAL_FORMS": str(len(form.initial)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, initial in enumerate(form.initial):
        for key, value in initial.items():
            data[f"criteria-{index}-{key}"] = "" if value is None else str(value)
    data["criteria-0-weight"] = "41"

    response = client.post(reverse("keyaccounts:template_create"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert template.__class__.objects.count() == 1


def test_template_editor_saves_a_version_with_an_added_criterion(client, hq_admin, template):
    client.force_login(hq_admin)
    form = client.get(reverse("keyaccounts:template_create")).context["formset"]
    data = {
        "name": "2026 版",
        "threshold_attractiveness": "50",
        "threshold_supportiveness": "55",
        "criteria-TOTAL_FORMS": str(len(form.forms)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index in range(len(form.forms)):  # blank rows as a browser submits them
        for key in ("axis", "measure", "weight", "kind", "edge_1", "edge_2", "edge_3", "edge_4"):
            data[f"criteria-{index}-{key}"] = ""
    for index, initial in enumerate(form.initial):
        for key, value in initial.items():
            data[f"criteria-{index}-{key}"] = "" if value is None else str(value)
    data["criteria-0-weight"] = "30"  # turnover 40 -> 30, profitability 10 added
    extra = len(form.initial)
    data |= {
        f"criteria-{extra}-axis": "attractiveness",
        f"criteria-{extra}-measure": "profitability",
        f"criteria-{extra}-weight": "10",
        f"criteria-{extra}-kind": "higher",
        f"criteria-{extra}-edge_1": "2",
        f"criteria-{extra}-edge_2": "4",
        f"criteria-{extra}-edge_3": "6",
        f"criteria-{extra}-edge_4": "8",
    }

    response = client.post(reverse("keyaccounts:template_create"), data)

    assert response.status_code == 302
    new = template.__class__.objects.get(version=2)
    assert (new.threshold_supportiveness, new.is_default) == (Decimal("55.00"), False)
    assert sorted(new.criteria.values_list("measure", "weight")) == [
        ("activity_share", 30),
        ("annual_turnover", 30),
        ("buyer_relationship", 15),
        ("dso_days", 20),
        ("growth_rate", 40),
        ("merchandising_share", 30),
        ("profitability", 10),
        ("skus_carried", 25),
    ]


def test_making_a_template_default_queues_a_recompute_job(
    client, hq_admin, template, django_capture_on_commit_callbacks
):
    from keyaccounts import scoring, services

    new = services.template_create(name="v2", criteria=list(scoring.DEFAULT_CRITERIA))
    client.force_login(hq_admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("keyaccounts:template_make_default", args=[new.pk]))

    job = RecomputeJob.objects.get()
    assert response.url == reverse("keyaccounts:job_detail", args=[job.pk])
    assert (job.template_id, job.status, len(callbacks)) == (new.pk, "queued", 1)


def test_template_pages_are_hq_only(client, manager, template):
    client.force_login(manager)

    assert client.get(reverse("keyaccounts:template_list")).status_code == 403


# --- Scoping: every page and export -----------------------------------------------------


def scoped_urls(accounts, card) -> list[str]:
    pk = accounts.changsha.pk
    return [
        reverse("keyaccounts:account_detail", args=[pk]),
        reverse("keyaccounts:account_edit", args=[pk]),
        reverse("keyaccounts:assessment_edit", args=[pk]),
        reverse("keyaccounts:outlet_card", args=[card.pk]),
    ]


@pytest.mark.parametrize("index", range(4))
def test_rep_gets_404_for_another_regions_account_pages(client, rep, accounts, world, index):
    card = OutletCardFactory(account=accounts.changsha, outlet__territory=world.changsha)
    client.force_login(rep)

    assert client.get(scoped_urls(accounts, card)[index]).status_code == 404


def test_rep_sees_own_account_page_and_store_card(client, rep, accounts, world):
    card = OutletCardFactory(account=accounts.shenzhen, outlet__territory=world.nanshan)
    client.force_login(rep)

    assert (
        client.get(reverse("keyaccounts:account_detail", args=[accounts.shenzhen.pk])).status_code
        == 200
    )
    assert client.get(reverse("keyaccounts:outlet_card", args=[card.pk])).status_code == 200


def test_account_list_is_scoped(client, rep, accounts):
    client.force_login(rep)

    response = client.get(reverse("keyaccounts:account_list"))

    assert [a.external_code for a in response.context["object_list"]] == ["SZ-001"]


def test_matrix_and_export_are_scoped(client, rep_outside, accounts, template):
    AssessmentFactory(account=accounts.shenzhen, template=template)
    AssessmentFactory(account=accounts.changsha, template=template)
    client.force_login(rep_outside)

    page = client.get(reverse("keyaccounts:matrix"), {"year": 2025})
    export = client.get(reverse("keyaccounts:matrix_export"), {"year": 2025})

    assert [p.external_code for p in page.context["points"]] == ["CS-001"]
    codes = [
        row[0].value for row in load_workbook(BytesIO(export.content)).active.iter_rows(min_row=3)
    ]
    assert codes == ["CS-001"]


def test_matrix_region_outside_scope_is_ignored(client, rep_outside, accounts, template):
    AssessmentFactory(account=accounts.shenzhen, template=template)
    AssessmentFactory(account=accounts.changsha, template=template)
    client.force_login(rep_outside)

    response = client.get(reverse("keyaccounts:matrix"), {"year": 2025, "region": "440300"})

    assert [p.external_code for p in response.context["points"]] == ["CS-001"]


def test_account_page_query_count_is_bounded(
    client, manager, accounts, template, django_assert_max_num_queries
):
    account = accounts.shenzhen
    for year in (2023, 2024, 2025):
        AssessmentFactory(account=account, template=template, year=year)
        TradeTermsFactory(account=account, year=year)
    for _ in range(5):
        ContactFactory(account=account)
        SkuListingFactory(account=account)
        OutletCardFactory(account=account)
    client.force_login(manager)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("keyaccounts:account_detail", args=[account.pk]))

    assert response.status_code == 200


def test_job_page_shows_progress_and_polls_while_running(client, hq_admin, template):
    job = RecomputeJob.objects.create(template=template, status="running", total=10, processed=4)
    client.force_login(hq_admin)

    response = client.get(reverse("keyaccounts:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert '<progress max="100" value="40">' in content
    assert 'hx-trigger="every 2s"' in content
    assert "<html" not in content


def test_matrix_pdf_is_scoped(client, rep_outside, accounts, template, monkeypatch):
    from keyaccounts import pdf

    AssessmentFactory(account=accounts.shenzhen, template=template)
    AssessmentFactory(account=accounts.changsha, template=template)
    rendered = []
    original = pdf.render_to_string
    monkeypatch.setattr(
        pdf,
        "render_to_string",
        lambda name, context, **kw: rendered.append(context) or original(name, context, **kw),
    )
    client.force_login(rep_outside)

    response = client.get(reverse("keyaccounts:matrix_pdf"), {"year": 2025})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert [p.external_code for p in rendered[0]["points"]] == ["CS-001"]
