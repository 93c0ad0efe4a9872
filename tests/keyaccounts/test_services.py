from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dealerhub.core.concurrency import StaleEditError
from keyaccounts import scoring, services
from keyaccounts.models import Assessment, ScorecardTemplate, TemplateCriterion

from .conftest import MEASURES


def test_default_template_is_created_once_with_the_spec_criteria(db):
    first = services.default_template()
    second = services.default_template()

    assert first.pk == second.pk
    assert (first.version, first.is_default) == (1, True)
    assert [c.as_pure() for c in first.criteria.all()] == sorted(
        scoring.DEFAULT_CRITERIA, key=lambda c: (c.axis, scoring.DEFAULT_CRITERIA.index(c))
    )


def test_template_with_weights_not_summing_to_100_is_refused(template):
    criteria = [
        scoring.Criterion(
            c.measure, c.axis, 30 if c.measure == "dso_days" else c.weight, c.kind, c.edges
        )
        for c in scoring.DEFAULT_CRITERIA
    ]

    with pytest.raises(ValidationError) as error:
        services.template_create(name="错误模板", criteria=criteria)

    assert list(error.value.message_dict) == ["attractiveness"]
    assert ScorecardTemplate.objects.count() == 1
    assert TemplateCriterion.objects.count() == 7


def test_new_template_gets_the_next_version(template):
    new = services.template_create(name="2026", criteria=list(scoring.DEFAULT_CRITERIA))

    assert (new.version, new.is_default) == (2, False)


def test_assessment_is_scored_under_the_default_template(accounts, template):
    assessment = services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=MEASURES)

    assert (assessment.attractiveness, assessment.supportiveness, assessment.quadrant) == (
        Decimal("56.00"),
        Decimal("46.00"),
        "question_mark",
    )
    assert assessment.template_id == template.pk


def test_shares_are_computed_from_points_when_recorded(accounts, template):
    measures = MEASURES | {"our_merchandising_points": 22, "total_merchandising_points": 100}

    assessment = services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=measures)

    assert assessment.merchandising_share == Decimal("22.00")
    assert assessment.supportiveness == Decimal("70.00")  # merch level 5 (30) instead of 1 (6)


def test_points_above_the_total_are_refused(accounts, template):
    measures = MEASURES | {"our_activity_points": 11, "total_activity_points": 10}

    with pytest.raises(ValidationError) as error:
        services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=measures)

    assert list(error.value.message_dict) == ["our_activity_points"]
    assert Assessment.objects.count() == 0


def test_assessment_upsert_updates_the_same_year(accounts, template):
    first = services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=MEASURES)

    assessment = services.assessment_upsert(
        account=accounts.shenzhen, year=2025, measures=MEASURES | {"growth_rate": Decimal(25)}
    )

    assert assessment.pk == first.pk
    assert assessment.attractiveness == Decimal("80.00")  # growth level 5: 40 not 16
    assert Assessment.objects.count() == 1


def test_stale_profile_edit_is_refused(accounts):
    account = accounts.shenzhen
    seen = account.updated_at
    services.account_update_profile(
        account_id=account.pk, expected_updated_at=seen, data={"phone": "1"}
    )

    with pytest.raises(StaleEditError):
        services.account_update_profile(
            account_id=account.pk, expected_updated_at=seen, data={"phone": "2"}
        )

    account.refresh_from_db()
    assert account.phone == "1"


def test_visit_frequency_follows_the_quadrant(accounts, template):
    from keyaccounts import selectors

    services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=MEASURES)

    assert selectors.visit_frequency(account=accounts.shenzhen, year=2025) == 4
    assert selectors.visit_frequency(account=accounts.shenzhen, year=2024) is None


def test_visit_frequencies_are_scoped(accounts, template, rep):
    from keyaccounts import selectors

    services.assessment_upsert(account=accounts.shenzhen, year=2025, measures=MEASURES)
    services.assessment_upsert(
        account=accounts.changsha, year=2025, measures=MEASURES | {"annual_turnover": Decimal(1)}
    )

    assert selectors.visit_frequencies(user=rep, year=2025) == {accounts.shenzhen.pk: 4}
