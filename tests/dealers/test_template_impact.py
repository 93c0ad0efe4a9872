"""The impact preview: which decisions publishing a draft would change, without writing."""

import pytest

from dealers import impact, services
from dealers.impact import Change
from dealers.models import Criterion, Evaluation, EvaluationScore

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db

WILLINGNESS = ["brand_interest", "commitment", "cost_sharing", "responsiveness"]
MARKETING = ["knows_own_business", "knows_local_market", "promotion_attitude", "downstream_service"]

# Willingness 100, marketing 60, the rest 80: 25×100 + 15×60 + 60×80 → 82.0 strongly
# recommended; with willingness 15 and marketing 25 → 78.0 recommended.
SENSITIVE = all_ratings(4, **dict.fromkeys(WILLINGNESS, 5), **dict.fromkeys(MARKETING, 3))


def submit(market, user, ratings):
    candidate = CandidateFactory(market=market)
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=ratings, submit=True
    )


@pytest.fixture
def draft(default_template):
    """A new version moving 10 points of weight from willingness to marketing."""
    draft = services.template_new_draft(template_id=default_template.pk)
    Criterion.objects.filter(template=draft, code="willingness").update(weight=15)
    Criterion.objects.filter(template=draft, code="marketing").update(weight=25)
    return draft


@pytest.fixture
def three_candidates(world, manager, default_template):
    """Two candidates in 深圳 (one sensitive to the weights), one in 长沙."""
    return [
        submit(world.shenzhen_market, manager, SENSITIVE),  # 82.0 → 78.0
        submit(world.shenzhen_market, manager, all_ratings(4)),  # 80.0 whatever the weights
        submit(world.changsha_market, manager, all_ratings(3)),  # 60.0 conditional, stays
    ]


def test_preview_counts_the_one_decision_that_changes(world, draft, three_candidates):
    assert [e.decision for e in three_candidates] == [
        "strongly_recommended",
        "strongly_recommended",
        "conditional",
    ]

    result = impact.publish_impact(draft_id=draft.pk)

    change = Change("strongly_recommended", "recommended", 1)
    assert (result.evaluations, result.changes) == (3, (change,))
    assert [(m.market, m.evaluations, m.changes) for m in result.markets] == [
        ("深圳市", 2, (change,))
    ]


def test_preview_writes_nothing(draft, three_candidates):
    before = list(Evaluation.objects.order_by("pk").values_list("decision", "total", "template"))

    impact.publish_impact(draft_id=draft.pk)

    after = list(Evaluation.objects.order_by("pk").values_list("decision", "total", "template"))
    assert (after, EvaluationScore.objects.count()) == (before, 3)


def test_only_each_candidates_latest_submitted_evaluation_counts(world, manager, draft):
    older = submit(world.shenzhen_market, manager, SENSITIVE)  # would change …
    services.evaluation_save(  # … but a newer scorecard of the candidate would not
        candidate_id=older.candidate_id, user=manager, ratings=all_ratings(4), submit=True
    )
    services.evaluation_save(  # and an open draft never counts
        candidate_id=older.candidate_id, user=manager, ratings=SENSITIVE, submit=False
    )

    result = impact.publish_impact(draft_id=draft.pk)

    assert (result.evaluations, result.changes, result.markets) == (1, (), ())


def test_a_new_unrated_subitem_shows_as_incomplete(world, manager, draft, three_candidates):
    strength = Criterion.objects.get(template=draft, code="strength")
    strength.subitems.create(code="showroom", name="展厅", weight=1, position=9)

    result = impact.publish_impact(draft_id=draft.pk)

    assert [(c.before, c.after, c.count) for c in result.changes] == [
        ("strongly_recommended", "", 2),
        ("conditional", "", 1),
    ]


@pytest.mark.parametrize("per_market", [1, 6])
def test_preview_query_count_does_not_grow_with_evaluations(
    django_assert_max_num_queries, world, manager, draft, per_market
):
    for market in (world.shenzhen_market, world.guangzhou_market, world.changsha_market):
        for _n in range(per_market):
            submit(market, manager, SENSITIVE)

    with django_assert_max_num_queries(5):
        result = impact.publish_impact(draft_id=draft.pk)

    assert (result.evaluations, result.changed) == (3 * per_market, 3 * per_market)


def test_raising_the_strong_band_moves_one_candidate_in_one_market(
    world, manager, default_template
):
    # Given a draft that raises band_strong from 80 to 90, and 80.0 / 100.0 in 深圳,
    # 100.0 / 60.0 in 长沙
    draft = services.template_new_draft(template_id=default_template.pk)
    assert draft.band_strong == 80
    type(draft).objects.filter(pk=draft.pk).update(band_strong=90)
    evaluations = [
        submit(world.shenzhen_market, manager, all_ratings(4)),  # 80.0 → recommended
        submit(world.shenzhen_market, manager, all_ratings(5)),  # 100.0 stays
        submit(world.changsha_market, manager, all_ratings(5)),  # 100.0 stays
        submit(world.changsha_market, manager, all_ratings(3)),  # 60.0 conditional stays
    ]
    assert [e.decision for e in evaluations] == [
        "strongly_recommended",
        "strongly_recommended",
        "strongly_recommended",
        "conditional",
    ]

    # When the impact is previewed
    result = impact.publish_impact(draft_id=draft.pk)

    # Then exactly one strongly_recommended turns recommended, in 深圳 only
    change = Change("strongly_recommended", "recommended", 1)
    assert (result.evaluations, result.changes, result.changed) == (4, (change,), 1)
    assert [(m.market, m.evaluations, m.changes) for m in result.markets] == [
        ("深圳市", 2, (change,))
    ]
