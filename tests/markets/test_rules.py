"""Pure rule functions: no database."""

import pytest

from markets import rules
from markets.choices import ChecklistKey

T = rules.TransitionFacts


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("blank", "researching"),
        ("researching", "trial"),
        ("trial", "developing"),
        ("developing", "developed"),
        ("developed", "stable"),
        ("paused", "developing"),
    ],
)
def test_one_step_forward_is_allowed(current, target):
    assert rules.check_transition(T(current=current, target=target)).ok


def test_skipping_a_step_is_refused():
    verdict = rules.check_transition(T(current="blank", target="trial"))
    assert set(verdict.errors) == {"status"}


def test_same_status_is_refused():
    assert set(rules.check_transition(T(current="trial", target="trial")).errors) == {"status"}


def test_unknown_status_is_refused():
    assert set(rules.check_transition(T(current="trial", target="nope")).errors) == {"status"}


def test_moving_back_needs_a_reason():
    assert set(rules.check_transition(T(current="trial", target="blank")).errors) == {"reason"}
    assert rules.check_transition(T(current="trial", target="blank", reason="重新调研")).ok


def test_pause_needs_a_reason_from_any_state():
    assert set(rules.check_transition(T(current="developing", target="paused")).errors) == {
        "reason"
    }
    assert rules.check_transition(T(current="blank", target="paused", reason="无经销商")).ok


@pytest.mark.parametrize("city", [None, "blank", "researching", "trial", "developing", "paused"])
def test_county_cannot_pass_researching_before_city_developed(city):
    verdict = rules.check_transition(
        T(current="researching", target="trial", is_county=True, central_city_status=city)
    )
    assert verdict.needs_override
    assert not verdict.errors


@pytest.mark.parametrize("city", ["developed", "stable"])
def test_county_may_pass_researching_once_city_developed(city):
    verdict = rules.check_transition(
        T(current="researching", target="trial", is_county=True, central_city_status=city)
    )
    assert verdict.ok


def test_county_may_reach_researching_while_city_blank():
    verdict = rules.check_transition(
        T(current="blank", target="researching", is_county=True, central_city_status="blank")
    )
    assert verdict.ok


def test_city_markets_are_not_subject_to_central_city_rule():
    assert rules.check_transition(T(current="researching", target="trial")).ok


def test_developed_requires_checklist():
    verdict = rules.check_transition(
        T(current="developing", target="developed", checklist_met=False)
    )
    assert set(verdict.errors) == {"status"}


@pytest.mark.parametrize(("others", "warned"), [(0, False), (2, False), (3, True), (5, True)])
def test_focus_warning_on_the_fourth_market(others, warned):
    verdict = rules.check_transition(
        T(current="researching", target="trial", has_rep=True, rep_focus_count=others)
    )
    assert bool(verdict.needs_focus_confirm) is warned


def test_focus_not_rechecked_moving_between_trial_and_developing():
    verdict = rules.check_transition(
        T(current="trial", target="developing", has_rep=True, rep_focus_count=3)
    )
    assert verdict.ok


def test_focus_not_checked_without_rep():
    verdict = rules.check_transition(T(current="researching", target="trial", rep_focus_count=9))
    assert verdict.ok


def test_ka_stores_item_computed_against_plan():
    facts = rules.ChecklistFacts(planned_ka_stores=3, ka_stores_entered=3)
    assert rules.computed_item(ChecklistKey.KA_STORES_ENTERED, facts) is True
    facts = rules.ChecklistFacts(planned_ka_stores=3, ka_stores_entered=2)
    assert rules.computed_item(ChecklistKey.KA_STORES_ENTERED, facts) is False


def test_ka_stores_item_manual_without_plan():
    assert rules.computed_item(ChecklistKey.KA_STORES_ENTERED, rules.ChecklistFacts()) is None


def test_dealer_channels_item_computed_when_known():
    facts = rules.ChecklistFacts(
        planned_channels=frozenset({"ka", "catering"}), dealer_channels=frozenset({"ka"})
    )
    assert rules.computed_item(ChecklistKey.DEALERS_COVER_CHANNELS, facts) is False
    facts = rules.ChecklistFacts(
        planned_channels=frozenset({"ka"}), dealer_channels=frozenset({"ka", "retail"})
    )
    assert rules.computed_item(ChecklistKey.DEALERS_COVER_CHANNELS, facts) is True


def test_dealer_channels_item_manual_when_unknown():
    facts = rules.ChecklistFacts(planned_channels=frozenset({"ka"}))
    assert rules.computed_item(ChecklistKey.DEALERS_COVER_CHANNELS, facts) is None


def test_checklist_uses_ticks_for_manual_items():
    lines = rules.evaluate_checklist(
        ["distribution_rate", "no_open_cases"], rules.ChecklistFacts(), {"distribution_rate": True}
    )
    assert [(line.key, line.met, line.computed) for line in lines] == [
        ("distribution_rate", True, False),
        ("no_open_cases", False, False),
    ]
    assert not rules.checklist_met(lines)


def test_empty_checklist_is_met():
    assert rules.checklist_met([])


def test_empty_survey_is_zero_percent():
    assert rules.completeness(rules.SurveyFacts()) == 0


def test_each_required_section_counts_once():
    facts = rules.SurveyFacts(county_count=3, town_count=40)
    assert rules.filled_sections(facts) == {"a"}
    assert rules.completeness(facts) == 16


def test_full_survey_is_100_percent():
    facts = rules.SurveyFacts(
        county_count=1,
        town_count=2,
        ka_store_count=2,
        ka_stores_listed=1,
        wholesale_markets=1,
        competitors_with_products=1,
        catering_none=True,
        canteens=1,
    )
    assert rules.completeness(facts) == 100


def test_section_b_needs_a_listed_store_unless_none():
    assert "b" not in rules.filled_sections(rules.SurveyFacts(ka_store_count=4))
    assert "b" in rules.filled_sections(rules.SurveyFacts(ka_store_count=0))


def test_half_of_section_a_is_not_filled():
    assert rules.filled_sections(rules.SurveyFacts(county_count=3)) == set()


@pytest.mark.parametrize(
    ("ratings", "score"),
    [([1] * 10, 0), ([5] * 10, 100), ([3] * 10, 50), ([5] * 5 + [1] * 5, 50), ([4] * 10, 75)],
)
def test_store_score(ratings, score):
    assert rules.store_score(ratings) == score


@pytest.mark.parametrize("ratings", [[3] * 9, [3] * 11, [0] + [3] * 9, [6] + [3] * 9])
def test_store_score_rejects_bad_input(ratings):
    with pytest.raises(ValueError):
        rules.store_score(ratings)
