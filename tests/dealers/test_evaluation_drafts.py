"""One open draft per evaluator and candidate: concurrent autosaves, late saves, the
constraint, and the migration that merged the duplicates made before it."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dealers import services
from dealers.models import Evaluation, EvaluationScore

from ..concurrency import race
from .conftest import all_ratings


def _autosave(candidate, user, **ratings):
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=ratings, submit=False
    )


def _open_drafts(candidate):
    return list(
        Evaluation.objects.filter(candidate=candidate, submitted=False).values_list(
            "evaluator__username", "ratings"
        )
    )


# --- Concurrency: real transactions --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_autosaves_without_an_id_leave_one_draft(rep, sz_candidate):
    saved = race(
        [
            lambda: _autosave(sz_candidate, rep, brand_interest=5),
            lambda: _autosave(sz_candidate, rep, commitment=4),
        ]
    )

    assert [type(result) for result in saved] == [Evaluation, Evaluation]
    assert saved[0].pk == saved[1].pk
    drafts = _open_drafts(sz_candidate)
    assert len(drafts) == 1
    assert drafts[0] in [("rep_sz", {"brand_interest": 5}), ("rep_sz", {"commitment": 4})]


@pytest.mark.django_db(transaction=True)
def test_concurrent_autosave_requests_from_the_page_leave_one_draft(rep, sz_candidate):
    url = reverse("dealers:evaluation_form", args=[sz_candidate.pk])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(rep)

    responses = race(
        [
            lambda c=client, level=level: c.post(
                url, {"r_brand_interest": str(level)}, HTTP_HX_REQUEST="true"
            )
            for client, level in zip(clients, (3, 5), strict=True)
        ]
    )

    assert [response.status_code for response in responses] == [200, 200]
    draft = Evaluation.objects.get()
    assert (draft.submitted, draft.evaluator, list(draft.ratings)) == (
        False,
        rep,
        ["brand_interest"],
    )
    for response in responses:
        assert f'data-evaluation-id="{draft.pk}"' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_autosave_racing_the_submission_never_reopens_it(rep, sz_candidate):
    draft = _autosave(sz_candidate, rep, brand_interest=5)

    outcomes = race(
        [
            lambda: services.evaluation_save(
                candidate_id=sz_candidate.pk,
                user=rep,
                ratings=all_ratings(4),
                submit=True,
                evaluation_id=draft.pk,
            ),
            lambda: services.evaluation_save(
                candidate_id=sz_candidate.pk,
                user=rep,
                ratings={"brand_interest": 2},
                submit=False,
                evaluation_id=draft.pk,
            ),
        ]
    )

    assert isinstance(outcomes[0], Evaluation)
    # Either the autosave ran first (and the submission then overwrote it) or it was refused.
    assert isinstance(outcomes[1], Evaluation | ValidationError)
    evaluation = Evaluation.objects.get()
    assert (evaluation.pk, evaluation.submitted, evaluation.ratings) == (
        draft.pk,
        True,
        all_ratings(4),
    )


# --- The service's rules ------------------------------------------------------------------


@pytest.mark.django_db
def test_autosave_without_an_id_continues_the_users_draft(rep, sz_candidate):
    first = _autosave(sz_candidate, rep, brand_interest=5)

    second = _autosave(sz_candidate, rep, brand_interest=5, commitment=3)

    assert second.pk == first.pk
    assert _open_drafts(sz_candidate) == [("rep_sz", {"brand_interest": 5, "commitment": 3})]


@pytest.mark.django_db
def test_each_evaluator_has_a_draft_of_their_own(rep, manager, sz_candidate):
    _autosave(sz_candidate, rep, brand_interest=5)

    _autosave(sz_candidate, manager, brand_interest=2)

    assert sorted(_open_drafts(sz_candidate)) == [
        ("mgr", {"brand_interest": 2}),
        ("rep_sz", {"brand_interest": 5}),
    ]


@pytest.mark.django_db
def test_submit_without_an_id_submits_the_users_draft(rep, sz_candidate):
    draft = _autosave(sz_candidate, rep, brand_interest=5)

    evaluation = services.evaluation_save(
        candidate_id=sz_candidate.pk, user=rep, ratings=all_ratings(4), submit=True
    )

    assert (evaluation.pk, Evaluation.objects.count()) == (draft.pk, 1)
    assert Evaluation.objects.get().submitted is True


@pytest.mark.django_db
def test_late_autosave_of_a_submitted_scorecard_is_refused_and_changes_nothing(rep, sz_candidate):
    draft = _autosave(sz_candidate, rep, brand_interest=5)
    services.evaluation_save(
        candidate_id=sz_candidate.pk,
        user=rep,
        ratings=all_ratings(4),
        submit=True,
        evaluation_id=draft.pk,
    )

    with pytest.raises(ValidationError, match="submitted"):
        services.evaluation_save(
            candidate_id=sz_candidate.pk,
            user=rep,
            ratings={"brand_interest": 1},
            submit=False,
            evaluation_id=draft.pk,
        )

    evaluation = Evaluation.objects.get()
    assert (evaluation.submitted, evaluation.ratings) == (True, all_ratings(4))


@pytest.mark.django_db
def test_another_evaluators_draft_cannot_be_continued(rep, manager, sz_candidate):
    draft = _autosave(sz_candidate, rep, brand_interest=5)

    with pytest.raises(ValidationError, match="not yours"):
        services.evaluation_save(
            candidate_id=sz_candidate.pk,
            user=manager,
            ratings={"brand_interest": 1},
            submit=False,
            evaluation_id=draft.pk,
        )

    assert _open_drafts(sz_candidate) == [("rep_sz", {"brand_interest": 5})]


@pytest.mark.django_db
def test_page_autosave_names_the_draft_and_a_late_one_answers_an_error(client, rep, sz_candidate):
    client.force_login(rep)
    url = reverse("dealers:evaluation_form", args=[sz_candidate.pk])
    client.post(url, {"r_brand_interest": "5"}, HTTP_HX_REQUEST="true")
    draft = Evaluation.objects.get()
    page = client.get(url)
    assert f'name="evaluation" value="{draft.pk}"' in page.content.decode()
    client.post(
        url, {"evaluation": draft.pk, **{f"r_{c}": "4" for c in all_ratings()}, "submit": "1"}
    )

    response = client.post(
        url, {"evaluation": draft.pk, "r_brand_interest": "1"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.submitted, evaluation.ratings) == (True, all_ratings(4))


@pytest.mark.django_db
def test_scorecard_page_shows_only_the_users_own_draft(client, rep, manager, sz_candidate):
    _autosave(sz_candidate, rep, brand_interest=5, commitment=2)
    client.force_login(manager)

    response = client.get(reverse("dealers:evaluation_form", args=[sz_candidate.pk]))

    assert response.context["draft"] is None
    assert 'name="evaluation" value=""' in response.content.decode()


# --- The database constraint and the migration before it ---------------------------------


@pytest.mark.django_db
def test_database_refuses_a_second_open_draft_of_one_evaluator(rep, manager, sz_candidate):
    draft = _autosave(sz_candidate, rep, brand_interest=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(candidate=sz_candidate, template=draft.template, evaluator=rep)

    Evaluation.objects.create(candidate=sz_candidate, template=draft.template, evaluator=manager)
    Evaluation.objects.create(
        candidate=sz_candidate, template=draft.template, evaluator=rep, submitted=True
    )
    assert Evaluation.objects.filter(candidate=sz_candidate).count() == 3


@pytest.mark.django_db
def test_migration_merges_duplicate_drafts_into_the_newest(
    rep, manager, sz_candidate, default_template
):
    with connection.cursor() as cursor:
        # Duplicates could exist before the constraint; the test's transaction restores it.
        cursor.execute("DROP INDEX evaluation_one_open_draft")

    def evaluation(evaluator, minutes_ago, **values):
        row = Evaluation.objects.create(
            candidate=sz_candidate, template=default_template, evaluator=evaluator, **values
        )
        when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        Evaluation.objects.filter(pk=row.pk).update(updated_at=when)
        return row

    oldest = evaluation(rep, 30, ratings={"commitment": 1}, notes={"people": "最早"})
    older = evaluation(
        rep,
        20,
        ratings={"brand_interest": 3, "commitment": 2, "retired_code": 4},
        notes={"brand_interest": "旧说明", "cost_sharing": "只在旧稿"},
        red_flags=["diversion"],
    )
    newest = evaluation(rep, 10, ratings={"brand_interest": 5}, notes={"brand_interest": "新说明"})
    score = EvaluationScore.objects.create(
        evaluation=older, template=default_template, dealer_type="unknown"
    )
    untouched = [
        evaluation(manager, 5, ratings={"people": 3}),
        evaluation(rep, 1, ratings=all_ratings(4), submitted=True),
        evaluation(None, 40),
        evaluation(None, 50),
    ]

    migration = import_module("dealers.migrations.0006_merge_duplicate_drafts")
    migration.merge_duplicate_drafts(apps, None)

    kept = Evaluation.objects.get(candidate=sz_candidate, evaluator=rep, submitted=False)
    assert (kept.pk, kept.ratings, kept.notes, kept.red_flags, kept.score_inputs) == (
        newest.pk,
        {"brand_interest": 5, "commitment": 2},
        {"brand_interest": "新说明", "cost_sharing": "只在旧稿", "people": "最早"},
        ["diversion"],
        "",
    )
    assert not Evaluation.objects.filter(pk__in=[oldest.pk, older.pk]).exists()
    assert EvaluationScore.objects.get(pk=score.pk).evaluation_id == newest.pk
    assert set(Evaluation.objects.exclude(pk=newest.pk).values_list("pk", flat=True)) == {
        row.pk for row in untouched
    }
