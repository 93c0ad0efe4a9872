"""The pipeline rules as pure functions: facts in, violated rules out; who gets past them."""

from dataclasses import replace

import pytest

from dealers import rules
from dealers.choices import Stage
from dealers.rules import MoveFacts, move_violations

READY = MoveFacts(
    survey_completeness=60,
    latest_decision="recommended",
    qualified_candidates=2,
    stage=Stage.EVALUATION,
)
SIGNABLE = replace(READY, stage=Stage.NEGOTIATING, has_contract=True)


def rules_broken(facts, stage):
    return [v.rule for v in move_violations(facts, stage)]


def test_a_well_prepared_selection_breaks_no_rule():
    assert rules_broken(READY, Stage.SELECTED) == []


@pytest.mark.parametrize("stage", [Stage.EVALUATION, Stage.SELECTED, Stage.SIGNED])
def test_no_survey_blocks_every_stage_past_screening(stage):
    facts = replace(READY, survey_completeness=None)

    assert 1 in rules_broken(facts, stage)


@pytest.mark.parametrize(("done", "broken"), [(0, [1]), (59, [1]), (60, []), (100, [])])
def test_rule1_needs_a_survey_complete_to_the_threshold(done, broken):
    assert rules_broken(replace(READY, survey_completeness=done), Stage.EVALUATION) == broken


def test_rule1_threshold_is_configurable():
    facts = replace(READY, survey_completeness=70, survey_min_completeness=80)

    assert [v.message for v in move_violations(facts, Stage.EVALUATION)] == [
        "Know the market first: the market survey is 70% complete, at least 80% is needed (rule 1)."
    ]


def test_rule1_does_not_concern_screening_or_side_exits():
    facts = replace(READY, survey_completeness=None)

    assert [rules_broken(facts, s) for s in (Stage.SCREENING, Stage.NURTURE, Stage.REJECTED)] == [
        [],
        [],
        [],
    ]


@pytest.mark.parametrize(
    "decision",
    [None, "reject", "nurture", "insufficient", "oversized", "not_recommended"],
)
def test_rule2_never_second_best(decision):
    facts = replace(READY, latest_decision=decision)

    assert rules_broken(facts, Stage.SELECTED) == [2]


@pytest.mark.parametrize("decision", ["strongly_recommended", "recommended", "conditional"])
def test_rule2_qualified_decisions_are_selectable(decision):
    assert rules_broken(replace(READY, latest_decision=decision), Stage.SELECTED) == []


def test_rule3_needs_two_qualified_candidates():
    facts = replace(READY, qualified_candidates=1, qualified_within_days=30)

    violations = move_violations(facts, Stage.SELECTED)

    assert [(v.rule, "30 days" in v.message) for v in violations] == [(3, True)]


def test_signing_needs_a_contract():
    facts = replace(SIGNABLE, has_contract=False)

    assert rules_broken(facts, Stage.SIGNED) == [4]


def test_signing_with_exclusivity_and_overlap_breaks_rules_4_and_5():
    facts = replace(SIGNABLE, exclusivity_words=("独家",), overlapping_dealers=("老经销商",))

    assert rules_broken(facts, Stage.SIGNED) == [4, 5]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("授予深圳独家代理", ["独家"]),
        ("乙方为广东省总代", ["省总代"]),
        ("乙方为华南区域总代理", ["区域总代理"]),
        ("乙方为总代理", ["总代理"]),
        ("乙方是本市唯一经销商", ["唯一经销商"]),
        ("本市只授权一家", ["只授权一家"]),
        ("Appointed as SOLE  Distributor", ["sole distributor"]),
        ("an Exclusive arrangement", ["exclusive"]),
        ("ＥＸＣＬＵＳＩＶＥ", ["exclusive"]),
        ("预付款，首批10万", []),
        ("", []),
    ],
)
def test_exclusivity_wordings_are_named(text, found):
    assert rules.exclusivity_matches([text], rules.DEFAULT_EXCLUSIVITY_WORDS) == found


def test_exclusivity_names_every_wording_in_list_order():
    text = "独家; sole distributor"

    assert rules.exclusivity_matches([text], rules.DEFAULT_EXCLUSIVITY_WORDS) == [
        "独家",
        "sole distributor",
    ]


def test_exclusivity_wordings_are_configurable():
    assert rules.exclusivity_matches(["唯一代理"], ["唯一代理"]) == ["唯一代理"]
    assert rules.exclusivity_matches(["独家"], ["唯一代理"]) == []


def test_contract_exclusivity_is_per_field():
    texts = {"terms": "总代理", "note": "按季度返利"}

    assert rules.contract_exclusivity(texts, rules.DEFAULT_EXCLUSIVITY_WORDS) == {
        "terms": ["总代理"]
    }


def test_allowed_moves_lists_every_reachable_stage_with_its_violations():
    facts = replace(READY, latest_decision="reject")

    moves = rules.allowed_moves(facts)

    assert {stage: [v.rule for v in found] for stage, found in moves.items()} == {
        "screening": [],
        "selected": [2],
        "nurture": [],
        "rejected": [],
    }


@pytest.mark.parametrize(
    ("broken", "can_override", "can_confirm", "mode"),
    [
        ([], False, False, rules.ALLOWED),
        ([1], False, True, rules.BLOCKED),  # a regional manager
        ([1, 2, 3], True, True, rules.OVERRIDE),  # an HQ admin
        ([4], True, True, rules.BLOCKED),  # nobody, ever
        ([4, 5], True, True, rules.BLOCKED),
        ([5], False, True, rules.CONFIRM),  # a manager confirms the overlap
        ([5], False, False, rules.BLOCKED),  # a rep
        ([3, 5], False, True, rules.BLOCKED),
        ([3, 5], True, True, rules.OVERRIDE),
    ],
)
def test_move_mode_by_who_may_get_past_which_rule(broken, can_override, can_confirm, mode):
    violations = [rules.RuleViolation(rule, "") for rule in broken]

    assert (
        rules.move_mode(violations, can_override=can_override, can_confirm_overlap=can_confirm)
        == mode
    )


def test_move_options_carry_the_reasons_of_a_disabled_move():
    facts = replace(READY, latest_decision="insufficient")

    options = {
        o.stage: o for o in rules.move_options(facts, can_override=False, can_confirm_overlap=True)
    }

    assert (options["selected"].mode, "(rule 2)" in options["selected"].reasons) == (
        rules.BLOCKED,
        True,
    )
