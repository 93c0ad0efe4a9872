"""What makes a template version acceptable: pure rules, no database."""

from dataclasses import replace
from decimal import Decimal

import pytest

from dealers.template_rules import (
    CriterionDraft,
    SubItemDraft,
    TemplateSettings,
    draft_errors,
    gate_warnings,
    publish_problems,
)

SETTINGS = TemplateSettings(
    reputation_veto_below=Decimal(40),
    willingness_gate_below=Decimal(60),
    strength_gate_below=Decimal(60),
    band_strong=Decimal(80),
    band_recommended=Decimal(65),
    band_conditional=Decimal(50),
    fit_plateau_end=Decimal("1.5"),
    fit_slope=Decimal(20),
    fit_floor=Decimal(20),
    oversized_warning_ratio=Decimal(3),
)


def criterion(code, weight, *items):
    subitems = tuple(SubItemDraft(code=item, name=item, weight=Decimal(1)) for item in items)
    return CriterionDraft(code=code, name=code, weight=Decimal(weight), subitems=subitems)


CRITERIA = [criterion("willingness", 60, "a", "b"), criterion("reputation", 40, "c")]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_sound_version_has_no_errors():
    assert draft_errors(settings=SETTINGS, criteria=CRITERIA) == {}


def test_weights_not_summing_to_100_are_an_error_of_the_criteria():
    criteria = [criterion("willingness", 70, "a"), criterion("reputation", 40, "c")]

    assert draft_errors(settings=SETTINGS, criteria=criteria) == {
        "criteria": ["Criterion weights sum to 110, not 100."]
    }


def test_a_zero_weight_is_an_error_of_that_weight():
    criteria = [criterion("willingness", 100, "a"), criterion("reputation", 0, "c")]

    assert draft_errors(settings=SETTINGS, criteria=criteria) == {
        "criteria.1.weight": ["The weight must be positive."]
    }


def test_duplicate_criterion_codes_are_marked_on_each():
    criteria = [criterion("willingness", 50, "a"), criterion("willingness", 50, "c")]

    assert draft_errors(settings=SETTINGS, criteria=criteria) == {
        "criteria.0.code": ["Another criterion has this code."],
        "criteria.1.code": ["Another criterion has this code."],
    }


def test_subitem_codes_are_unique_across_criteria():
    # Ratings are keyed by sub-item code alone.
    criteria = [criterion("willingness", 50, "a", "b"), criterion("reputation", 50, "b")]

    assert draft_errors(settings=SETTINGS, criteria=criteria) == {
        "criteria.0.subitems.1.code": ["Another sub-item has this code."],
        "criteria.1.subitems.0.code": ["Another sub-item has this code."],
    }


def test_a_subitem_weight_must_be_positive():
    bad = replace(CRITERIA[1], subitems=(SubItemDraft(code="c", name="c", weight=Decimal(0)),))

    assert draft_errors(settings=SETTINGS, criteria=[CRITERIA[0], bad]) == {
        "criteria.1.subitems.0.weight": ["The weight must be positive."]
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"band_strong": Decimal(65)},
            {"band_strong": ["Must be above the recommended band edge (65)."]},
        ),
        (
            {"band_recommended": Decimal(50)},
            {"band_recommended": ["Must be above the conditional band edge (50)."]},
        ),
        ({"band_strong": Decimal(101)}, {"band_strong": ["Must be between 0 and 100."]}),
        (
            {"reputation_veto_below": Decimal(-1)},
            {"reputation_veto_below": ["Must be between 0 and 100."]},
        ),
        (
            {"fit_plateau_end": Decimal("0.9")},
            {"fit_plateau_end": ["Full fit must last at least up to a ratio of 1."]},
        ),
        ({"fit_slope": Decimal(-1)}, {"fit_slope": ["Must not be negative."]}),
        (
            {"oversized_warning_ratio": Decimal("0.5")},
            {"oversized_warning_ratio": ["Must be a ratio of 1 or more."]},
        ),
    ],
)
def test_settings_out_of_order_or_range_are_errors_of_their_field(changes, errors):
    assert draft_errors(settings=replace(SETTINGS, **changes), criteria=CRITERIA) == errors


def test_a_criterion_without_subitems_can_be_saved_but_not_published():
    criteria = [CRITERIA[0], criterion("reputation", 40)]

    assert (draft_errors(settings=SETTINGS, criteria=criteria), publish_problems(criteria)) == (
        {},
        ["Every criterion needs at least one sub-item: reputation."],
    )


def test_removing_a_gate_criterion_warns_that_its_gate_stops():
    assert gate_warnings(CRITERIA) == [
        "No criterion has the code “strength”: its gate will never apply."
    ]
