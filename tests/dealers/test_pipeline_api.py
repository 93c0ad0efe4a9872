"""The API answers the pipeline rules as the pages do: POST …/stage refuses a move a rule
forbids with a 400 naming the rule, an override or confirmation the user may not give with
a 403; PUT …/contract refuses exclusivity wordings on create and on every later edit."""

import pytest

from dealers.models import Candidate, Contract, StageChange

from .factories import CandidateFactory, EvaluationFactory

pytestmark = pytest.mark.django_db


def at_stage(candidate, stage):
    Candidate.objects.filter(pk=candidate.pk).update(stage=stage)


def contract_body(**values):
    return {
        "territories": ["440300"],
        "channels": ["ka"],
        "term_start": "2026-01-01",
        "term_end": "2027-01-01",
    } | values


@pytest.fixture
def vetoed(world, sz_candidate, surveyed):
    EvaluationFactory(candidate=CandidateFactory(market=world.shenzhen_market))
    EvaluationFactory(candidate=CandidateFactory(market=world.shenzhen_market))
    EvaluationFactory(candidate=sz_candidate, decision="reject")
    at_stage(sz_candidate, "evaluation")
    return sz_candidate


def stage_url(candidate):
    return f"/api/v1/dealer-candidates/{candidate.external_code}/stage"


def contract_url(candidate):
    return f"/api/v1/dealer-candidates/{candidate.external_code}/contract"


def test_api_move_records_the_stage_change(token_client, rep, sz_candidate, surveyed):
    response = token_client(rep).post(
        stage_url(sz_candidate), {"to_stage": "screening", "reason": "电话初访"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["to_stage"], response.json()["overridden_rules"]) == (
        "screening",
        [],
    )


def test_api_refuses_a_forbidden_move_naming_the_rule(token_client, manager, vetoed):
    response = token_client(manager).post(
        stage_url(vetoed), {"to_stage": "selected"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error_codes"] == {"to_stage": ["rule_2"]}
    assert Candidate.objects.get(pk=vetoed.pk).stage == "evaluation"


def test_api_manager_override_is_403_and_changes_nothing(token_client, manager, vetoed):
    response = token_client(manager).post(
        stage_url(vetoed),
        {"to_stage": "selected", "override": True, "reason": "我担保"},
        format="json",
    )

    assert response.status_code == 403
    assert (response.json()["code"], response.json()["detail"]["rules"]) == (
        "rule_override_forbidden",
        ["2"],
    )
    assert not StageChange.objects.exists()


def test_api_hq_override_is_recorded(token_client, hq_admin, vetoed):
    response = token_client(hq_admin).post(
        stage_url(vetoed),
        {"to_stage": "selected", "override": True, "reason": "总部特批"},
        format="json",
    )

    assert response.status_code == 200
    assert StageChange.objects.get().overridden_rules == [2]


def test_api_rule_4_is_400_even_for_hq(token_client, hq_admin, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")

    response = token_client(hq_admin).post(
        stage_url(sz_candidate),
        {"to_stage": "signed", "override": True, "reason": "总部特批"},
        format="json",
    )

    assert (response.status_code, response.json()["error_codes"]) == (
        400,
        {"to_stage": ["rule_4"]},
    )


def test_api_move_outside_scope_is_404(token_client, manager, cs_candidate, surveyed):
    response = token_client(manager).post(
        stage_url(cs_candidate), {"to_stage": "screening"}, format="json"
    )

    assert response.status_code == 404
    assert Candidate.objects.get(pk=cs_candidate.pk).stage == "prospect"


def test_api_contract_with_exclusivity_is_refused_naming_the_words(
    token_client, manager, sz_candidate
):
    response = token_client(manager).put(
        contract_url(sz_candidate), contract_body(terms="乙方为深圳唯一经销商"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["terms"]
    assert "唯一经销商" in response.json()["errors"]["terms"][0]
    assert not Contract.objects.exists()


def test_api_contract_edit_is_checked_every_time(token_client, manager, sz_candidate):
    client = token_client(manager)
    created = client.put(contract_url(sz_candidate), contract_body(note="预付款"), format="json")

    edited = client.put(
        contract_url(sz_candidate),
        contract_body(note="Sole Distributor for Shenzhen"),
        format="json",
    )

    assert (created.status_code, edited.status_code) == (200, 400)
    assert "sole distributor" in edited.json()["errors"]["note"][0]
    assert Contract.objects.get().note == "预付款"


def test_api_contract_territory_outside_the_market_is_400(token_client, manager, sz_candidate):
    response = token_client(manager).put(
        contract_url(sz_candidate), contract_body(territories=["440100"]), format="json"
    )

    assert (response.status_code, list(response.json()["errors"])) == (400, ["territories"])


def test_api_contract_outside_scope_is_404(token_client, manager, cs_candidate):
    response = token_client(manager).put(
        contract_url(cs_candidate), contract_body(territories=["430100"]), format="json"
    )

    assert response.status_code == 404
