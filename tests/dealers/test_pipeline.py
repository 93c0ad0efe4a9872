"""Pipeline stages, the enforced rules 1–5 with their override paths, signing, overlap."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dealers import services
from dealers.models import Candidate, Dealer, StageChange

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db


def at_stage(candidate, stage):
    Candidate.objects.filter(pk=candidate.pk).update(stage=stage)
    candidate.refresh_from_db()
    return candidate


def evaluate(candidate, user, level=4, **kwargs):
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=all_ratings(level), submit=True, **kwargs
    )[0]


def sign_contract(candidate, territories, channels=("ka",), note=""):
    return services.contract_save(
        candidate_id=candidate.pk,
        territory_ids=[t.pk for t in territories],
        channels=list(channels),
        values={
            "term_start": datetime.date(2026, 1, 1),
            "term_end": datetime.date(2027, 1, 1),
            "note": note,
        },
    )


def test_move_records_who_when_why(rep, sz_candidate, surveyed):
    change = services.candidate_move(
        candidate_id=sz_candidate.pk, to_stage="screening", user=rep, reason="电话初访"
    )
    sz_candidate.refresh_from_db()
    assert sz_candidate.stage == "screening"
    assert (
        change.from_stage,
        change.to_stage,
        change.by,
        change.reason,
        change.overridden_rules,
    ) == ("prospect", "screening", rep, "电话初访", [])


def test_disallowed_jump_refused(rep, sz_candidate, surveyed):
    with pytest.raises(ValidationError):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=rep)
    sz_candidate.refresh_from_db()
    assert sz_candidate.stage == "prospect"


def test_rule1_no_survey_blocks_evaluation(rep, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")
    with pytest.raises(ValidationError, match="rule 1"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="evaluation", user=rep)
    sz_candidate.refresh_from_db()
    assert sz_candidate.stage == "screening"
    assert not StageChange.objects.filter(to_stage="evaluation").exists()


def test_rule1_manager_overrides_with_reason(manager, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")
    change = services.candidate_move(
        candidate_id=sz_candidate.pk,
        to_stage="evaluation",
        user=manager,
        override=True,
        reason="调研报告纸质版已交",
    )
    assert (change.to_stage, change.overridden_rules) == ("evaluation", [1])


def test_override_needs_a_reason(manager, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")
    with pytest.raises(ValidationError, match="reason"):
        services.candidate_move(
            candidate_id=sz_candidate.pk, to_stage="evaluation", user=manager, override=True
        )
    sz_candidate.refresh_from_db()
    assert sz_candidate.stage == "screening"


def test_rep_cannot_override(rep, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")
    with pytest.raises(ValidationError, match="override"):
        services.candidate_move(
            candidate_id=sz_candidate.pk,
            to_stage="evaluation",
            user=rep,
            override=True,
            reason="我觉得可以",
        )
    sz_candidate.refresh_from_db()
    assert sz_candidate.stage == "screening"


def test_rule2_selection_needs_a_scorecard(manager, world, sz_candidate, surveyed):
    other = CandidateFactory(market=world.shenzhen_market)
    evaluate(other, manager)
    at_stage(sz_candidate, "evaluation")
    with pytest.raises(ValidationError, match="rule 2"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="selected", user=manager)


@pytest.mark.parametrize("decision_flags", [["diversion"]])
def test_rule2_rejected_scorecard_blocks_selection(
    manager, world, sz_candidate, surveyed, decision_flags
):
    evaluate(CandidateFactory(market=world.shenzhen_market), manager)
    evaluate(sz_candidate, manager, red_flags=decision_flags)
    at_stage(sz_candidate, "evaluation")
    with pytest.raises(ValidationError, match="rule 2"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="selected", user=manager)


def test_rule3_needs_two_evaluated_candidates(manager, sz_candidate, surveyed):
    evaluate(sz_candidate, manager)
    at_stage(sz_candidate, "evaluation")
    with pytest.raises(ValidationError, match="rule 3"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="selected", user=manager)


def test_rule3_override_with_reason(manager, sz_candidate, surveyed):
    evaluate(sz_candidate, manager)
    at_stage(sz_candidate, "evaluation")
    change = services.candidate_move(
        candidate_id=sz_candidate.pk,
        to_stage="selected",
        user=manager,
        override=True,
        reason="本地仅此一家合格",
    )
    assert change.overridden_rules == [3]


def test_selection_passes_with_two_evaluated(manager, world, sz_candidate, surveyed):
    evaluate(CandidateFactory(market=world.shenzhen_market), manager)
    evaluate(sz_candidate, manager)
    at_stage(sz_candidate, "evaluation")
    change = services.candidate_move(
        candidate_id=sz_candidate.pk, to_stage="selected", user=manager
    )
    assert change.overridden_rules == []


def test_rule4_signing_needs_contract(manager, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")
    with pytest.raises(ValidationError, match="rule 4"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)
    assert not Dealer.objects.exists()


def test_rule4_exclusivity_note_blocks(manager, world, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen], note="授予深圳独家代理")
    with pytest.raises(ValidationError, match="独家"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)
    assert not Dealer.objects.exists()


def test_signing_creates_active_dealer(manager, world, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")
    contract = sign_contract(sz_candidate, [world.shenzhen])
    services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)
    dealer = Dealer.objects.get()
    assert (dealer.candidate, dealer.active, dealer.since, dealer.overlap_note) == (
        sz_candidate,
        True,
        datetime.date(2026, 1, 1),
        "",
    )
    assert contract.payment_terms == "prepayment"


def test_rule5_overlap_needs_manager_confirmation(manager, world, sz_candidate, surveyed):
    first = CandidateFactory(market=world.shenzhen_market, name="老经销商")
    at_stage(first, "negotiating")
    sign_contract(first, [world.shenzhen], channels=["ka", "retail"])
    services.candidate_move(candidate_id=first.pk, to_stage="signed", user=manager)
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.nanshan], channels=["ka"])
    with pytest.raises(ValidationError, match="rule 5"):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)
    change = services.candidate_move(
        candidate_id=sz_candidate.pk,
        to_stage="signed",
        user=manager,
        override=True,
        reason="南山KA由新经销商接手",
    )
    dealer = Dealer.objects.get(candidate=sz_candidate)
    assert change.overridden_rules == [5]
    assert dealer.overlap_confirmed_by == manager
    assert "老经销商" in dealer.overlap_note


def test_different_channel_is_no_overlap(manager, world, sz_candidate, surveyed):
    first = CandidateFactory(market=world.shenzhen_market)
    at_stage(first, "negotiating")
    sign_contract(first, [world.shenzhen], channels=["ka"])
    services.candidate_move(candidate_id=first.pk, to_stage="signed", user=manager)
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen], channels=["catering"])
    change = services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)
    assert change.overridden_rules == []


def test_reject_needs_reason(rep, sz_candidate):
    with pytest.raises(ValidationError):
        services.candidate_move(candidate_id=sz_candidate.pk, to_stage="rejected", user=rep)
    change = services.candidate_move(
        candidate_id=sz_candidate.pk,
        to_stage="rejected",
        user=rep,
        rejection_reason="reputation",
        reason="同行反映砸价",
    )
    sz_candidate.refresh_from_db()
    assert (sz_candidate.stage, sz_candidate.rejection_reason, change.reason) == (
        "rejected",
        "reputation",
        "同行反映砸价",
    )


def test_confirmed_red_flag_rescores_to_reject(manager, sz_candidate):
    evaluation = evaluate(sz_candidate, manager, level=5)
    services.candidate_add_red_flag(candidate_id=sz_candidate.pk, flag="diversion")
    evaluation.refresh_from_db()
    assert evaluation.decision == "reject"


def test_contract_prepayment_has_no_credit(manager, world, sz_candidate):
    contract = services.contract_save(
        candidate_id=sz_candidate.pk,
        territory_ids=[world.shenzhen.pk],
        channels=["ka"],
        values={
            "term_start": datetime.date(2026, 1, 1),
            "term_end": datetime.date(2027, 1, 1),
            "credit_limit": 50000,
        },
    )
    assert contract.credit_limit == 0
