"""The pipeline rules as pure functions: facts in, violated rules out."""

import pytest

from dealers.choices import Stage
from dealers.rules import MoveFacts, move_violations

READY = MoveFacts(market_has_survey=True, latest_decision="recommended", evaluated_candidates=2)


def rules_broken(facts, stage):
    return [v.rule for v in move_violations(facts, stage)]


def test_a_well_prepared_selection_breaks_no_rule():
    assert rules_broken(READY, Stage.SELECTED) == []


def test_no_survey_blocks_every_stage_past_screening():
    facts = MoveFacts(market_has_survey=False, latest_decision=None, evaluated_candidates=0)

    assert rules_broken(facts, Stage.EVALUATION) == [1]


@pytest.mark.parametrize("decision", [None, "reject", "nurture"])
def test_selection_needs_a_selectable_scorecard(decision):
    facts = MoveFacts(market_has_survey=True, latest_decision=decision, evaluated_candidates=2)

    assert rules_broken(facts, Stage.SELECTED) == [2]


def test_selection_needs_two_evaluated_candidates():
    facts = MoveFacts(market_has_survey=True, latest_decision="recommended", evaluated_candidates=1)

    assert rules_broken(facts, Stage.SELECTED) == [3]


def test_signing_needs_a_contract_without_exclusivity_or_overlap():
    no_contract = MoveFacts(market_has_survey=True, latest_decision=None, evaluated_candidates=0)
    exclusive = MoveFacts(
        market_has_survey=True,
        latest_decision=None,
        evaluated_candidates=0,
        has_contract=True,
        contract_note="甲方授予乙方独家经销权",
        overlapping_dealers=("老经销商",),
    )

    assert rules_broken(no_contract, Stage.SIGNED) == [4]
    assert rules_broken(exclusive, Stage.SIGNED) == [4, 5]
