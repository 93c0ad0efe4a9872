"""Set-based recomputation: the SQL agrees with the pure scoring, is idempotent, records
the template version, keeps history, and runs through a real Celery worker."""

import random
import time
from decimal import Decimal

import pytest
from django.apps import apps

from dealerhub.core.models import OutboxEntry
from dealers import scoring, selectors, services
from dealers.choices import RedFlag
from dealers.installs import publish_default_version_2
from dealers.models import Criterion, Evaluation, RecomputeJob, ScorecardTemplate
from dealers.tasks import run_recompute_job

from .conftest import ALL_CODES, all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db


def seed(market, user, count=40, seed_value=7):
    rng = random.Random(seed_value)
    evaluations = []
    for n in range(count):
        candidate = CandidateFactory(
            market=market,
            working_capital=rng.choice([None, Decimal(50000), Decimal(150000), Decimal(900000)]),
            warehouse_m2=rng.choice([None, Decimal("80.5"), Decimal(300), Decimal(1000)]),
            deliverable_outlets_per_week=rng.choice([None, 10, 40, 200]),
            covered_outlets=rng.choice([None, 30, 120, 700]),
        )
        ratings = {code: rng.randint(1, 5) for code in ALL_CODES}
        flags = [RedFlag.DIVERSION.value] if n % 13 == 0 else []
        evaluations.append(
            services.evaluation_save(
                candidate_id=candidate.pk,
                user=user,
                ratings=ratings,
                red_flags=flags,
                submit=True,
            )
        )
    return evaluations


def snapshot():
    return {
        e.pk: (
            e.criteria_scores,
            e.total,
            e.decision,
            e.dealer_type,
            e.oversized,
            e.reasons,
            e.template_id,
        )
        for e in Evaluation.objects.all()
    }


def publish_version_1_again():
    """Make the default template's version 1 the published one (as before version 2)."""
    ScorecardTemplate.objects.filter(status="published").update(status="retired")
    ScorecardTemplate.objects.filter(version=1).update(status="published")


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("key_city", [False, True])
def test_sql_matches_pure_scoring(manager, world, default_template, plan, key_city, version):
    if version == 1:
        publish_version_1_again()
    plan(
        working_capital=Decimal(200000),
        warehouse_m2=Decimal(100),
        deliverable_outlets_per_week=30,
        covered_outlets=100,
        is_key_city=key_city,
    )
    seed(world.shenzhen_market, manager, count=60)
    before = snapshot()
    job = RecomputeJob.objects.create(kind="market", market=world.shenzhen_market)
    job = services.recompute_job_run(job_id=job.pk, batch_size=7, parallel=1)
    assert (job.status, job.processed, job.changed) == ("done", 60, 0)
    assert snapshot() == before
    assert {e.template.version for e in Evaluation.objects.select_related("template")} == {version}


def test_seeded_data_reaches_every_gate(manager, world, default_template, plan):
    """The agreement test above is only as good as the decisions its data reaches."""
    plan(
        working_capital=Decimal(200000),
        warehouse_m2=Decimal(100),
        deliverable_outlets_per_week=30,
        covered_outlets=100,
    )
    seed(world.shenzhen_market, manager, count=60)
    reasons = [r for e in Evaluation.objects.all() for r in e.reasons]
    assert {(r["gate"], r["code"]) for r in reasons} >= {
        ("reputation", "red_flag"),
        ("reputation", "rating_red_flag"),
        ("reputation", "reputation_below"),
        ("willingness", "willingness_below"),
        ("strength", "insufficient"),
        ("strength", "oversized"),
        ("band", "recommended"),
        ("band", "conditional"),
    }


def test_capacity_change_rescores_market(manager, world, default_template, plan):
    plan(warehouse_m2=Decimal(100))
    seed(world.shenzhen_market, manager, count=10)
    before = snapshot()
    plan(warehouse_m2=Decimal(1000))
    job = RecomputeJob.objects.create(kind="market", market=world.shenzhen_market)
    job = services.recompute_job_run(job_id=job.pk)
    after = snapshot()
    changed = [pk for pk in after if after[pk] != before[pk]]
    assert job.changed == len(changed) > 0
    # Python, freshly, agrees with what the SQL wrote.
    for evaluation in Evaluation.objects.filter(pk__in=changed).select_related("candidate__market"):
        result = selectors.score_result(evaluation)
        assert evaluation.total == result.total
        assert evaluation.decision == (result.decision or "")
        assert evaluation.reasons == list(result.reasons)


def test_rerun_is_idempotent(manager, world, default_template, plan):
    plan(covered_outlets=50)
    seed(world.shenzhen_market, manager, count=5)
    plan(covered_outlets=500)
    first = services.recompute_job_run(
        job_id=RecomputeJob.objects.create(kind="market", market=world.shenzhen_market).pk
    )
    again = services.recompute_job_run(job_id=first.pk)
    second = services.recompute_job_run(
        job_id=RecomputeJob.objects.create(kind="market", market=world.shenzhen_market).pk
    )
    assert first.changed > 0
    assert again is None  # a finished job is not claimed again
    assert (second.status, second.processed, second.changed) == ("done", 5, 0)


def test_other_markets_untouched(manager, world, default_template, plan):
    seed(world.changsha_market, manager, count=3)
    before = snapshot()
    plan(working_capital=Decimal(1))
    services.recompute_job_run(
        job_id=RecomputeJob.objects.create(kind="market", market=world.shenzhen_market).pk
    )
    assert snapshot() == before


def new_version_with_weights(weights: dict[str, int]) -> ScorecardTemplate:
    published = ScorecardTemplate.objects.get(status="published")
    draft = services.template_new_draft(template_id=published.pk)
    for code, weight in weights.items():
        Criterion.objects.filter(template=draft, code=code).update(weight=weight)
    return draft


def test_publish_refuses_weights_not_summing_to_100(default_template):
    draft = new_version_with_weights({"willingness": 30})
    with pytest.raises(Exception, match="100"):
        services.template_publish(template_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publish_recomputes_with_new_version_and_keeps_history(manager, world, default_template):
    evaluation = services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market).pk,
        user=manager,
        ratings=all_ratings(
            4, **{c: 5 for c in ["brand_interest", "commitment", "cost_sharing", "responsiveness"]}
        ),
        submit=True,
    )
    assert evaluation.total == Decimal("85.0")
    draft = new_version_with_weights({"willingness": 35, "reputation": 15, "management": 10})
    job = services.template_publish(template_id=draft.pk)
    job = services.recompute_job_run(job_id=job.pk)
    evaluation.refresh_from_db()
    # 35*100 + 65*80 = 8700
    assert (evaluation.total, evaluation.template_id, job.changed) == (Decimal("87.0"), draft.pk, 1)
    history = list(
        evaluation.scores.order_by("id").values_list("total", "template__version", "job")
    )
    assert history == [(Decimal("85.0"), 2, None), (Decimal("87.0"), 3, job.pk)]


# --- The default template's version 2, published by migration ----------------------------


@pytest.fixture
def before_version_2(default_template):
    """The database as it was before the migration: version 1 published, no version 2."""
    ScorecardTemplate.objects.filter(version=2).delete()
    publish_version_1_again()


def test_version_2_publish_queues_a_recompute_through_the_outbox(manager, world, before_version_2):
    services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market).pk,
        user=manager,
        ratings=all_ratings(4),
        submit=True,
    )
    new = publish_default_version_2(apps)
    job = RecomputeJob.objects.get()
    assert (new.version, new.status, job.kind, job.template_id, job.status) == (
        2,
        "published",
        "template",
        new.pk,
        "queued",
    )
    assert list(OutboxEntry.objects.values_list("task_name", "args")) == [
        (run_recompute_job.name, [job.pk])
    ]
    assert ScorecardTemplate.objects.get(version=1).status == "retired"


def test_version_2_copies_criteria_with_the_new_fit_and_red_flag_ratings(before_version_2):
    new = publish_default_version_2(apps)
    spec = selectors.template_spec(selectors.template_with_items(new.pk))
    old = selectors.template_spec(
        selectors.template_with_items(ScorecardTemplate.objects.get(version=1).pk)
    )
    assert spec.subitem_codes == old.subitem_codes
    assert [(c.code, c.weight) for c in spec.criteria] == [(c.code, c.weight) for c in old.criteria]
    assert [(i.code, i.red_flag_level) for i in spec.red_flag_subitems] == [
        ("previous_partner", 1),
        ("payment_record", 1),
    ]
    assert (spec.thresholds, old.thresholds) == (scoring.Thresholds(), scoring.THRESHOLDS_V1)


def test_version_2_publish_runs_once(before_version_2):
    publish_default_version_2(apps)
    assert publish_default_version_2(apps) is None
    assert list(ScorecardTemplate.objects.values_list("version", "status")) == [
        (2, "published"),
        (1, "retired"),
    ]


def test_no_evaluations_no_recompute_job(before_version_2):
    publish_default_version_2(apps)
    assert (RecomputeJob.objects.count(), OutboxEntry.objects.count()) == (0, 0)


def test_recompute_after_version_2_rescores_and_keeps_version_1_scores(
    manager, world, before_version_2, plan
):
    plan(warehouse_m2=Decimal(100))
    twice_the_need = services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market, warehouse_m2=200).pk,
        user=manager,
        ratings=all_ratings(4),
        submit=True,
    )
    dropped_by_supplier = services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market).pk,
        user=manager,
        ratings=all_ratings(4, previous_partner=1, payment_record=1),
        submit=True,
    )
    # warehouse r = 2 under version 1: 100, strength (4·80 + 100) / 5 = 84, total 72 + 8.4
    assert (twice_the_need.total, dropped_by_supplier.decision) == (Decimal("80.4"), "recommended")
    publish_default_version_2(apps)
    job = services.recompute_job_run(job_id=RecomputeJob.objects.get().pk)
    twice_the_need.refresh_from_db()
    dropped_by_supplier.refresh_from_db()
    # version 2: r = 2 gives 90, strength (4·80 + 90) / 5 = 82, total 72 + 8.2
    assert (job.status, job.changed) == ("done", 2)
    assert twice_the_need.criteria_scores["strength"] == 82.0
    assert (twice_the_need.total, twice_the_need.template.version) == (Decimal("80.2"), 2)
    assert (dropped_by_supplier.decision, dropped_by_supplier.reasons) == (
        "reject",
        [
            {
                "gate": "reputation",
                "code": "rating_red_flag",
                "subitem": "previous_partner",
                "level": 1,
            },
            {
                "gate": "reputation",
                "code": "rating_red_flag",
                "subitem": "payment_record",
                "level": 1,
            },
        ],
    )
    history = list(
        dropped_by_supplier.scores.order_by("id").values_list(
            "decision", "template__version", "job"
        )
    )
    assert history == [("recommended", 1, None), ("reject", 2, job.pk)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_through_real_worker(
    celery_worker_thread, manager, world, default_template, plan
):
    plan(warehouse_m2=Decimal(100))
    seed(world.shenzhen_market, manager, count=6)
    before = snapshot()
    plan(warehouse_m2=Decimal(5))
    first = finished(services.recompute_market(market_id=world.shenzhen_market.pk))
    after = snapshot()
    assert first.changed == sum(1 for pk in after if after[pk] != before[pk]) > 0
    second = finished(services.recompute_market(market_id=world.shenzhen_market.pk))
    assert (second.processed, second.changed) == (6, 0)
    assert list(RecomputeJob.objects.values_list("status", flat=True)) == ["done", "done"]


def finished(job: RecomputeJob, timeout: float = 30) -> RecomputeJob:
    """Wait (polling) until the worker has finished the job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout} s")
