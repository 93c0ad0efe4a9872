"""Pipeline actions on the pages: a move a rule forbids is disabled with the rule's reason
(candidate page, board, comparison); an HQ admin is offered "override with reason"; a
manager confirms an overlap; contracts with exclusivity wordings are refused on every
save; the pipeline rules' settings are HQ's."""

import datetime
import re

import pytest
from django.urls import reverse

from dealers import services
from dealers.models import Candidate, Contract, PipelineSettings, StageChange

from .factories import CandidateFactory, EvaluationFactory

pytestmark = pytest.mark.django_db


def at_stage(candidate, stage):
    Candidate.objects.filter(pk=candidate.pk).update(stage=stage)
    candidate.refresh_from_db()
    return candidate


def page(client, user, candidate):
    client.force_login(user)
    return client.get(reverse("dealers:candidate_detail", args=[candidate.pk])).content.decode()


def radio(html, stage):
    """The to_stage radio of a stage on the candidate page."""
    match = re.search(rf'<input type="radio" name="to_stage" value="{stage}"[^>]*>', html)
    return match.group(0) if match else None


@pytest.fixture
def vetoed(world, sz_candidate, surveyed):
    """sz_candidate's scorecard says reject (price dumping); two others are qualified."""
    EvaluationFactory(candidate=CandidateFactory(market=world.shenzhen_market))
    EvaluationFactory(candidate=CandidateFactory(market=world.shenzhen_market))
    EvaluationFactory(candidate=sz_candidate, decision="reject")
    return at_stage(sz_candidate, "evaluation")


# --- candidate page ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_candidate_page_disables_a_forbidden_move_with_the_reason(client, request, persona, vetoed):
    html = page(client, request.getfixturevalue(persona), vetoed)

    assert "disabled" in radio(html, "selected")
    assert "required" in radio(html, "nurture")
    assert 'id="why-selected"' in html and 'data-rule="2"' in html
    assert 'name="override"' not in html


def test_candidate_page_offers_hq_an_override_with_reason(client, hq_admin, vetoed):
    html = page(client, hq_admin, vetoed)

    assert "disabled" not in radio(html, "selected")
    assert "move-override" in html and "需说明理由特批" in html
    assert 'name="override"' in html


def test_candidate_page_never_offers_rule_4(client, hq_admin, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")  # no contract yet

    html = page(client, hq_admin, sz_candidate)

    assert "disabled" in radio(html, "signed")
    assert 'data-rule="4"' in html


def test_candidate_page_shows_reasons_in_chinese(client, rep, vetoed):
    client.force_login(rep)

    html = client.get(
        reverse("dealers:candidate_detail", args=[vetoed.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "（规则2）" in html


def test_manager_is_offered_to_confirm_an_overlap(client, manager, world, sz_candidate, surveyed):
    first = CandidateFactory(market=world.shenzhen_market, name="老经销商")
    for candidate in (first, sz_candidate):
        at_stage(candidate, "negotiating")
        _contract(candidate, world.shenzhen)
    services.candidate_move(candidate_id=first.pk, to_stage="signed", user=manager)

    html = page(client, manager, sz_candidate)

    assert "disabled" not in radio(html, "signed")
    assert 'name="confirm_overlap"' in html and "老经销商" in html


def test_move_with_confirmation_from_the_page_is_recorded(
    client, manager, world, sz_candidate, surveyed
):
    first = CandidateFactory(market=world.shenzhen_market, name="老经销商")
    for candidate in (first, sz_candidate):
        at_stage(candidate, "negotiating")
        _contract(candidate, world.shenzhen)
    services.candidate_move(candidate_id=first.pk, to_stage="signed", user=manager)
    client.force_login(manager)

    client.post(
        reverse("dealers:candidate_move", args=[sz_candidate.pk]),
        {"to_stage": "signed", "confirm_overlap": "on"},
    )

    change = StageChange.objects.get(candidate=sz_candidate)
    assert (change.to_stage, change.overlap_confirmed, change.by) == ("signed", True, manager)


def test_manager_override_posted_anyway_changes_nothing(client, manager, vetoed):
    client.force_login(manager)

    client.post(
        reverse("dealers:candidate_move", args=[vetoed.pk]),
        {"to_stage": "selected", "override": "on", "reason": "我担保"},
    )

    assert (Candidate.objects.get(pk=vetoed.pk).stage, StageChange.objects.exists()) == (
        "evaluation",
        False,
    )


def test_another_regions_manager_gets_404_and_nothing_moves(
    client, manager, cs_candidate, surveyed
):
    client.force_login(manager)

    response = client.post(
        reverse("dealers:candidate_move", args=[cs_candidate.pk]), {"to_stage": "screening"}
    )

    assert response.status_code == 404
    assert Candidate.objects.get(pk=cs_candidate.pk).stage == "prospect"


# --- board ------------------------------------------------------------------------------------


def test_board_disables_a_forbidden_move_with_the_reason(client, manager, vetoed):
    client.force_login(manager)

    html = client.get(reverse("dealers:board"), {"market": "440300"}).content.decode()

    card = html[html.index(vetoed.name) :]
    card = card[: card.index("</article>")]
    assert re.search(r'<button type="button" disabled[^>]*>→ \S+', card)
    assert 'data-rule="2"' in card


def test_board_query_count_is_bounded_with_rules(
    client, manager, world, surveyed, django_assert_max_num_queries
):
    for n in range(12):
        candidate = CandidateFactory(market=world.shenzhen_market, stage="evaluation")
        EvaluationFactory(candidate=candidate, decision="reject" if n % 2 else "recommended")
    for _n in range(4):
        negotiating = CandidateFactory(market=world.shenzhen_market, stage="negotiating")
        _contract(negotiating, world.shenzhen)
    client.force_login(manager)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("dealers:board"))

    assert sum(len(col["candidates"]) for col in response.context["columns"]) == 16


# --- comparison -------------------------------------------------------------------------------


def test_compare_does_not_offer_select_for_a_rejected_candidate(client, manager, world, vetoed):
    client.force_login(manager)

    html = client.get(reverse("dealers:compare", args=[world.shenzhen_market.pk])).content.decode()

    row = html[html.index(vetoed.name) :]
    row = row[: row.index("</tr>")]
    assert (
        "candidate_move" not in row
        and reverse("dealers:candidate_move", args=[vetoed.pk]) not in row
    )
    assert 'disabled class="small-btn"' in row
    assert 'data-rule="2"' in row


def test_compare_offers_select_for_a_qualified_candidate(client, manager, world, vetoed):
    qualified = Candidate.objects.filter(market=world.shenzhen_market).exclude(pk=vetoed.pk).first()
    at_stage(qualified, "evaluation")
    client.force_login(manager)

    html = client.get(reverse("dealers:compare", args=[world.shenzhen_market.pk])).content.decode()

    assert reverse("dealers:candidate_move", args=[qualified.pk]) in html


def test_compare_query_count_is_bounded(
    client, manager, world, surveyed, django_assert_max_num_queries
):
    for n in range(10):
        candidate = CandidateFactory(market=world.shenzhen_market, stage="evaluation")
        EvaluationFactory(candidate=candidate, decision="reject" if n % 2 else "recommended")
    client.force_login(manager)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("dealers:compare", args=[world.shenzhen_market.pk]))

    assert len(response.context["rows"]) == 10


# --- contracts: rule 4 on every save -----------------------------------------------------------


def _contract(candidate, territory, **values):
    return services.contract_save(
        candidate_id=candidate.pk,
        territory_ids=[territory.pk],
        channels=["ka"],
        values={"term_start": datetime.date(2026, 1, 1), "term_end": datetime.date(2027, 1, 1)}
        | values,
    )


def _contract_post(world, **values):
    return {
        "territories": [world.shenzhen.pk],
        "channels": ["ka"],
        "term_start": "2026-01-01",
        "term_end": "2027-01-01",
        "payment_terms": "prepayment",
        "credit_limit": "0",
        "terms": "",
        "note": "",
    } | values


def test_contract_form_refuses_exclusivity_naming_the_words(client, manager, world, sz_candidate):
    client.force_login(manager)

    response = client.post(
        reverse("dealers:contract_edit", args=[sz_candidate.pk]),
        _contract_post(world, terms="乙方为广东省总代，sole distributor"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["terms"]
    assert "“省总代”" in errors["terms"][0] and "“sole distributor”" in errors["terms"][0]
    assert not Contract.objects.exists()


def test_contract_edited_later_in_the_form_is_checked(client, manager, world, sz_candidate):
    _contract(sz_candidate, world.shenzhen, note="预付款")
    client.force_login(manager)

    response = client.post(
        reverse("dealers:contract_edit", args=[sz_candidate.pk]),
        _contract_post(world, note="补充协议：本市只授权一家"),
    )

    assert "“只授权一家”" in response.context["form"].errors["note"][0]
    assert Contract.objects.get().note == "预付款"


def test_contract_admin_refuses_exclusivity(client, hq_admin, world, sz_candidate):
    contract = _contract(sz_candidate, world.shenzhen)
    hq_admin.is_superuser = hq_admin.is_staff = True
    hq_admin.save()
    client.force_login(hq_admin)
    url = reverse("admin:dealers_contract_change", args=[contract.pk])

    response = client.post(
        url,
        {
            "candidate": sz_candidate.pk,
            "territories": [world.shenzhen.pk],
            "channels": '["ka"]',
            "term_start": "2026-01-01",
            "term_end": "2027-01-01",
            "payment_terms": "prepayment",
            "credit_limit": "0",
            "terms": "EXCLUSIVE",
            "note": "",
        },
    )

    assert response.status_code == 200
    assert Contract.objects.get().terms == ""


# --- the settings: HQ only ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_pipeline_settings_are_403_outside_hq(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("dealers:pipeline_settings")

    statuses = (
        client.get(url).status_code,
        client.post(
            url,
            {
                "survey_min_completeness": "0",
                "qualified_within_days": "9",
                "exclusivity_words": "x",
            },
        ).status_code,
    )

    assert statuses == (403, 403)
    assert not PipelineSettings.objects.exists()


def test_hq_edits_the_pipeline_settings(client, hq_admin):
    client.force_login(hq_admin)

    response = client.post(
        reverse("dealers:pipeline_settings"),
        {
            "survey_min_completeness": "75",
            "qualified_within_days": "60",
            "exclusivity_words": "独家\n  总代 \n\n独家\nsole agent",
        },
    )

    assert response.status_code == 302
    saved = PipelineSettings.objects.get()
    assert (
        saved.survey_min_completeness,
        saved.qualified_within_days,
        saved.exclusivity_words,
    ) == (
        75,
        60,
        ["独家", "总代", "sole agent"],
    )


def test_hq_sees_the_default_wordings(client, hq_admin):
    client.force_login(hq_admin)

    form = client.get(reverse("dealers:pipeline_settings")).context["form"]

    assert form.initial["exclusivity_words"].splitlines()[-2:] == ["sole distributor", "exclusive"]
