"""HTML pages: rendering, scoping (404 outside), query counts, the evaluation form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dealers import scoring, services
from dealers.models import Candidate, Contract, Evaluation, ObjectionAnswer

from .conftest import ALL_CODES, all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db

CANDIDATE_PAGES = [
    "dealers:candidate_detail",
    "dealers:candidate_edit",
    "dealers:evaluation_form",
    "dealers:contract_edit",
    "dealers:sheet_download",
]


@pytest.mark.parametrize("name", CANDIDATE_PAGES)
def test_candidate_pages_out_of_scope_are_404(client, rep, cs_candidate, name):
    client.force_login(rep)
    assert client.get(reverse(name, args=[cs_candidate.pk])).status_code == 404


@pytest.mark.parametrize("name", CANDIDATE_PAGES[:4])
def test_candidate_pages_render_in_scope(client, rep, sz_candidate, name):
    client.force_login(rep)
    assert client.get(reverse(name, args=[sz_candidate.pk])).status_code == 200


def test_move_out_of_scope_is_404_and_changes_nothing(client, rep, cs_candidate):
    client.force_login(rep)
    response = client.post(
        reverse("dealers:candidate_move", args=[cs_candidate.pk]), {"to_stage": "screening"}
    )
    assert response.status_code == 404
    cs_candidate.refresh_from_db()
    assert cs_candidate.stage == "prospect"


def test_compare_out_of_scope_is_404(client, rep, world, default_template):
    client.force_login(rep)
    assert (
        client.get(reverse("dealers:compare", args=[world.changsha_market.pk])).status_code == 404
    )


def test_board_for_other_market_is_404(client, rep, world, default_template):
    client.force_login(rep)
    assert client.get(reverse("dealers:board"), {"market": "430100"}).status_code == 404


def test_list_shows_only_scope(
    client, rep, sz_candidate, cs_candidate, django_assert_max_num_queries
):
    CandidateFactory.create_batch(10, market=sz_candidate.market)
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dealers:candidate_list"))
    names = {c.name for c in response.context["object_list"]}
    assert "深圳鹏程商贸" in names and "长沙湘江商贸" not in names
    assert len(names) == 11


def test_list_filters_by_stage(client, manager, sz_candidate, world):
    CandidateFactory(market=world.guangzhou_market, stage="screening", name="广州一号")
    client.force_login(manager)
    response = client.get(reverse("dealers:candidate_list"), {"stage": "screening"})
    assert [c.name for c in response.context["object_list"]] == ["广州一号"]


def test_list_htmx_gets_table_only(client, manager, sz_candidate):
    client.force_login(manager)
    content = client.get(reverse("dealers:candidate_list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<table" in content and "<html" not in content


def test_board_query_count(client, manager, sz_candidate, world, django_assert_max_num_queries):
    CandidateFactory.create_batch(15, market=world.guangzhou_market)
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dealers:board"))
    assert sum(len(col["candidates"]) for col in response.context["columns"]) == 16


def test_owner_details_only_for_managers(client, rep, manager, sz_candidate):
    Candidate.objects.filter(pk=sz_candidate.pk).update(owner_health="有高血压")
    client.force_login(rep)
    assert (
        "有高血压"
        not in client.get(
            reverse("dealers:candidate_detail", args=[sz_candidate.pk])
        ).content.decode()
    )
    assert (
        "owner_health"
        not in client.get(reverse("dealers:candidate_edit", args=[sz_candidate.pk]))
        .context["form"]
        .fields
    )
    client.force_login(manager)
    assert (
        "有高血压"
        in client.get(reverse("dealers:candidate_detail", args=[sz_candidate.pk])).content.decode()
    )


def test_rep_creates_candidate_from_form(client, rep, world, default_template):
    client.force_login(rep)
    response = client.post(
        reverse("dealers:candidate_create"),
        {"name": "宝安新渠道商行", "market": world.shenzhen_market.pk, "source": "referral"},
    )
    candidate = Candidate.objects.get(name="宝安新渠道商行")
    assert response.status_code == 302
    assert (candidate.owner_rep, candidate.stage, candidate.external_code[:3]) == (
        rep,
        "prospect",
        "DH-",
    )
    assert candidate.stage_changes.get().to_stage == "prospect"


def test_stale_profile_edit_refused(client, manager, sz_candidate):
    client.force_login(manager)
    url = reverse("dealers:candidate_edit", args=[sz_candidate.pk])
    form = client.get(url).context["form"]
    Candidate.objects.filter(pk=sz_candidate.pk).update(name="别人改过", updated_at=timezone.now())
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("market", "external_code")
    }
    data.update(
        name="我的修改", market=sz_candidate.market.pk, version=form.initial["version"].isoformat()
    )
    response = client.post(url, data)
    assert response.status_code == 200
    sz_candidate.refresh_from_db()
    assert sz_candidate.name == "别人改过"


def test_autosave_keeps_a_draft_then_submit_decides(client, rep, sz_candidate):
    client.force_login(rep)
    url = reverse("dealers:evaluation_form", args=[sz_candidate.pk])
    response = client.post(
        url, {"r_brand_interest": "5", "n_brand_interest": "老板亲自接待"}, HTTP_HX_REQUEST="true"
    )
    draft = Evaluation.objects.get()
    assert response.status_code == 200
    assert (draft.submitted, draft.ratings, draft.notes) == (
        False,
        {"brand_interest": 5},
        {"brand_interest": "老板亲自接待"},
    )
    data = {f"r_{code}": "4" for code in ALL_CODES}
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.pk, evaluation.submitted, evaluation.decision) == (
        draft.pk,
        True,
        "strongly_recommended",
    )


def test_submit_incomplete_lists_missing(client, rep, sz_candidate):
    client.force_login(rep)
    response = client.post(
        reverse("dealers:evaluation_form", args=[sz_candidate.pk]), {"r_people": "3", "submit": "1"}
    )
    assert response.status_code == 200
    assert "brand_interest" in " ".join(response.context["errors"])
    assert not Evaluation.objects.filter(submitted=True).exists()


def test_compare_page_has_radar_data(client, manager, world, sz_candidate):
    services.evaluation_save(
        candidate_id=sz_candidate.pk, user=manager, ratings=all_ratings(4), submit=True
    )
    client.force_login(manager)
    response = client.get(reverse("dealers:compare", args=[world.shenzhen_market.pk]))
    chart = response.context["chart"]
    assert len(chart["indicator"]) == 6
    assert chart["series"] == [{"name": "深圳鹏程商贸", "value": [80.0] * 6}]


def test_contract_form_saves(client, manager, world, sz_candidate):
    client.force_login(manager)
    response = client.post(
        reverse("dealers:contract_edit", args=[sz_candidate.pk]),
        {
            "territories": [world.shenzhen.pk],
            "channels": ["ka", "retail"],
            "term_start": "2026-01-01",
            "term_end": "2027-01-01",
            "payment_terms": "prepayment",
            "credit_limit": "0",
            "note": "",
        },
    )
    assert response.status_code == 302
    contract = sz_candidate.contract
    assert (contract.channels, contract.term_end) == (["ka", "retail"], datetime.date(2027, 1, 1))


def test_playbook_edit_hq_only(client, hq_admin, default_template):
    item = ObjectionAnswer.objects.get(objection="price_high")
    client.force_login(hq_admin)
    client.post(
        reverse("dealers:objection_edit", args=[item.pk]),
        {"heading": item.heading, "answer": "算账给他看", "version": item.updated_at.isoformat()},
    )
    item.refresh_from_db()
    assert item.answer == "算账给他看"


def test_roi_table_on_candidate_page(client, rep, sz_candidate):
    client.force_login(rep)
    response = client.get(
        reverse("dealers:candidate_detail", args=[sz_candidate.pk]),
        {
            "monthly_volume": "1000",
            "unit_margin": "10",
            "monthly_costs": "4000",
            "first_order": "50000",
            "launch_costs": "10000",
        },
    )
    roi = response.context["roi"]["table"]
    assert (str(roi.monthly_profit), str(roi.payback_months)) == ("6000", "10.0")


def test_roi_invests_first_order_and_launch_costs_not_the_whole_capital(client, rep, sz_candidate):
    sz_candidate.working_capital = Decimal("600000")
    sz_candidate.save()
    client.force_login(rep)

    response = client.get(reverse("dealers:candidate_detail", args=[sz_candidate.pk]))

    roi = response.context["roi"]
    assert (roi["form"]["first_order"].value(), roi["form"]["launch_costs"].value()) == (
        scoring.ROI_DEFAULT_FIRST_ORDER,
        scoring.ROI_DEFAULT_LAUNCH_COSTS,
    )
    # (30,000 + 10,000) / (1,000 × 8 − 3,000) a month
    assert str(roi["table"].payback_months) == "8.0"


def test_roi_first_order_defaults_to_the_contract(client, rep, sz_candidate):
    Contract.objects.create(
        candidate=sz_candidate,
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2027, 1, 1),
        first_order=Decimal("45000"),
    )
    client.force_login(rep)

    response = client.get(reverse("dealers:candidate_detail", args=[sz_candidate.pk]))

    assert str(response.context["roi"]["table"].payback_months) == "11.0"


def test_template_publish_hq_only(client, manager, default_template):
    client.force_login(manager)
    assert (
        client.post(reverse("dealers:template_publish", args=[default_template.pk])).status_code
        == 403
    )


def test_move_never_redirects_off_site(client, rep, sz_candidate, surveyed):
    client.force_login(rep)
    response = client.post(
        reverse("dealers:candidate_move", args=[sz_candidate.pk]),
        {"to_stage": "screening", "next": "//evil.example/"},
    )
    assert response["Location"] == reverse("dealers:candidate_detail", args=[sz_candidate.pk])


def test_market_page_lists_the_markets_dealer_candidates(client, manager, world, sz_candidate):
    from dealers.models import Candidate

    Candidate.objects.filter(pk=sz_candidate.pk).update(stage="evaluation")
    client.force_login(manager)

    response = client.get(f"/markets/{world.shenzhen_market.pk}/")

    assert [c.pk for c in response.context["market_dealers"]] == [sz_candidate.pk]
