"""Pipeline stages, the enforced rules 1–5, who may override them (HQ only, with a reason
kept in history), rule 4 that nobody overrides, and the manager's overlap confirmation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dealers import services
from dealers.models import Candidate, Contract, Dealer, StageChange

from .conftest import all_ratings
from .factories import CandidateFactory, EvaluationFactory

pytestmark = pytest.mark.django_db


def at_stage(candidate, stage):
    Candidate.objects.filter(pk=candidate.pk).update(stage=stage)
    candidate.refresh_from_db()
    return candidate


def evaluate(candidate, user, level=4, **kwargs):
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=all_ratings(level), submit=True, **kwargs
    )


def scored(candidate, decision="recommended", days_ago=0):
    evaluation = EvaluationFactory(candidate=candidate, decision=decision)
    if days_ago:
        when = timezone.now() - datetime.timedelta(days=days_ago)
        type(evaluation).objects.filter(pk=evaluation.pk).update(created_at=when)
    return evaluation


def sign_contract(candidate, territories, channels=("ka",), note="", terms=""):
    return services.contract_save(
        candidate_id=candidate.pk,
        territory_ids=[t.pk for t in territories],
        channels=list(channels),
        values={
            "term_start": datetime.date(2026, 1, 1),
            "term_end": datetime.date(2027, 1, 1),
            "note": note,
            "terms": terms,
        },
    )


def move(candidate, to_stage, user, **kwargs):
    return services.candidate_move(
        candidate_id=candidate.pk, to_stage=to_stage, user=user, **kwargs
    )


def stage_of(candidate):
    return Candidate.objects.get(pk=candidate.pk).stage


@pytest.fixture
def ready_to_select(world, sz_candidate, surveyed):
    """sz_candidate is recommended, and so is one other candidate of 深圳 (rules 1–3 met)."""
    scored(CandidateFactory(market=world.shenzhen_market))
    scored(sz_candidate)
    return at_stage(sz_candidate, "evaluation")


@pytest.fixture
def pipeline_settings(hq_admin):
    def save(**values):
        return services.pipeline_settings_save(values=values)

    return save


# --- stages ---------------------------------------------------------------------------------


def test_move_records_who_when_why(rep, sz_candidate, surveyed):
    change = move(sz_candidate, "screening", rep, reason="电话初访")

    assert stage_of(sz_candidate) == "screening"
    assert (
        change.from_stage,
        change.to_stage,
        change.by,
        change.reason,
        change.overridden_rules,
    ) == ("prospect", "screening", rep, "电话初访", [])


def test_disallowed_jump_refused(rep, sz_candidate, surveyed):
    with pytest.raises(ValidationError):
        move(sz_candidate, "signed", rep)

    assert stage_of(sz_candidate) == "prospect"


def test_reject_needs_reason(rep, sz_candidate):
    with pytest.raises(ValidationError):
        move(sz_candidate, "rejected", rep)
    change = move(
        sz_candidate, "rejected", rep, rejection_reason="reputation", reason="同行反映砸价"
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


# --- rule 1: know the market first ------------------------------------------------------------


def test_rule1_no_survey_blocks_evaluation(rep, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")

    with pytest.raises(ValidationError, match="rule 1"):
        move(sz_candidate, "evaluation", rep)

    assert stage_of(sz_candidate) == "screening"
    assert not StageChange.objects.filter(to_stage="evaluation").exists()


def test_rule1_an_empty_survey_does_not_count(rep, world, sz_candidate, survey):
    survey(world.shenzhen_market, completeness=0)
    at_stage(sz_candidate, "screening")

    with pytest.raises(ValidationError, match="0% complete"):
        move(sz_candidate, "evaluation", rep)

    assert stage_of(sz_candidate) == "screening"


def test_rule1_a_survey_60_percent_complete_is_enough(rep, world, sz_candidate, survey):
    survey(world.shenzhen_market, completeness=10)
    survey(world.shenzhen_market, completeness=60)
    at_stage(sz_candidate, "screening")

    change = move(sz_candidate, "evaluation", rep)

    assert (change.to_stage, change.overridden_rules) == ("evaluation", [])


def test_rule1_threshold_is_hq_configurable(rep, world, sz_candidate, survey, pipeline_settings):
    survey(world.shenzhen_market, completeness=70)
    pipeline_settings(survey_min_completeness=80)
    at_stage(sz_candidate, "screening")

    with pytest.raises(ValidationError, match="at least 80%"):
        move(sz_candidate, "evaluation", rep)


def test_rule1_hq_admin_overrides_with_reason(hq_admin, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")

    change = move(sz_candidate, "evaluation", hq_admin, override=True, reason="调研报告纸质版已交")

    assert (change.to_stage, change.overridden_rules, change.reason, change.by) == (
        "evaluation",
        [1],
        "调研报告纸质版已交",
        hq_admin,
    )


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_rule1_only_hq_overrides(request, persona, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")
    user = request.getfixturevalue(persona)

    with pytest.raises(services.RuleRefused, match="Only an HQ admin") as refused:
        move(sz_candidate, "evaluation", user, override=True, reason="我觉得可以")

    assert (refused.value.forbidden, refused.value.rules_broken) == (True, [1])
    assert stage_of(sz_candidate) == "screening"
    assert not StageChange.objects.exists()


def test_override_needs_a_reason(hq_admin, sz_candidate, no_survey):
    at_stage(sz_candidate, "screening")

    with pytest.raises(ValidationError, match="reason"):
        move(sz_candidate, "evaluation", hq_admin, override=True, reason="  ")

    assert stage_of(sz_candidate) == "screening"


# --- rule 2: never second best ---------------------------------------------------------------


def test_rule2_selection_needs_a_scorecard(manager, world, sz_candidate, surveyed):
    scored(CandidateFactory(market=world.shenzhen_market))
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="rule 2"):
        move(sz_candidate, "selected", manager)


@pytest.mark.parametrize(
    "decision", ["insufficient", "not_recommended", "oversized", "nurture", "reject"]
)
def test_rule2_unqualified_decisions_cannot_be_selected(
    manager, world, sz_candidate, surveyed, decision
):
    scored(CandidateFactory(market=world.shenzhen_market))
    scored(CandidateFactory(market=world.shenzhen_market))
    scored(sz_candidate, decision)
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(services.RuleRefused, match="rule 2") as refused:
        move(sz_candidate, "selected", manager)

    assert refused.value.rules_broken == [2]
    assert stage_of(sz_candidate) == "evaluation"


def test_rule2_the_latest_scorecard_decides(manager, world, sz_candidate, surveyed):
    scored(CandidateFactory(market=world.shenzhen_market))
    scored(sz_candidate, "recommended", days_ago=5)
    scored(sz_candidate, "insufficient")
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="rule 2"):
        move(sz_candidate, "selected", manager)


def test_rule2_vetoed_by_the_scorer_cannot_be_selected(manager, world, sz_candidate, surveyed):
    scored(CandidateFactory(market=world.shenzhen_market))
    evaluate(sz_candidate, manager, red_flags=["diversion"])
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="rule 2"):
        move(sz_candidate, "selected", manager)


# --- rule 3: two qualified candidates in parallel ---------------------------------------------


def test_rule3_a_vetoed_candidate_is_not_one_of_the_two(manager, world, sz_candidate, surveyed):
    dumper = CandidateFactory(market=world.shenzhen_market, name="砸价商行")
    evaluate(dumper, manager, red_flags=["price_dumping"])
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(services.RuleRefused, match="rule 3") as refused:
        move(sz_candidate, "selected", manager)

    assert refused.value.rules_broken == [3]


def test_rule3_counts_only_the_same_market(manager, world, sz_candidate, surveyed):
    scored(CandidateFactory(market=world.changsha_market))
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="rule 3"):
        move(sz_candidate, "selected", manager)


def test_rule3_an_evaluation_older_than_90_days_does_not_count(
    manager, world, sz_candidate, surveyed
):
    scored(CandidateFactory(market=world.shenzhen_market), days_ago=91)
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="within 90 days"):
        move(sz_candidate, "selected", manager)


def test_rule3_window_is_hq_configurable(manager, world, sz_candidate, surveyed, pipeline_settings):
    pipeline_settings(qualified_within_days=120)
    scored(CandidateFactory(market=world.shenzhen_market), days_ago=100)
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    change = move(sz_candidate, "selected", manager)

    assert change.overridden_rules == []


def test_selection_passes_with_two_qualified(manager, ready_to_select):
    change = move(ready_to_select, "selected", manager)

    assert (stage_of(ready_to_select), change.overridden_rules) == ("selected", [])


def test_rule3_hq_admin_overrides_with_reason(hq_admin, sz_candidate, surveyed):
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    change = move(sz_candidate, "selected", hq_admin, override=True, reason="本地仅此一家合格")

    assert (change.overridden_rules, change.reason) == ([3], "本地仅此一家合格")


def test_rule3_manager_cannot_override(manager, sz_candidate, surveyed):
    scored(sz_candidate)
    at_stage(sz_candidate, "evaluation")

    with pytest.raises(ValidationError, match="Only an HQ admin"):
        move(sz_candidate, "selected", manager, override=True, reason="本地仅此一家合格")

    assert stage_of(sz_candidate) == "evaluation"


def test_hq_override_records_every_rule_it_overrides(hq_admin, sz_candidate, no_survey):
    scored(sz_candidate, "insufficient")
    at_stage(sz_candidate, "evaluation")

    change = move(sz_candidate, "selected", hq_admin, override=True, reason="总部特批")

    assert StageChange.objects.get(pk=change.pk).overridden_rules == [1, 2, 3]


# --- rule 4: no written exclusivity, ever ------------------------------------------------------


def test_rule4_signing_needs_contract(manager, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")

    with pytest.raises(ValidationError, match="rule 4"):
        move(sz_candidate, "signed", manager)

    assert not Dealer.objects.exists()


def test_rule4_hq_admin_cannot_override_it(hq_admin, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")

    with pytest.raises(services.RuleRefused, match="rule 4") as refused:
        move(sz_candidate, "signed", hq_admin, override=True, reason="总部特批")

    assert (refused.value.rules_broken, refused.value.forbidden) == ([4], False)
    assert (stage_of(sz_candidate), Dealer.objects.exists()) == ("negotiating", False)


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("note", "授予深圳独家代理", "“独家”"),
        ("terms", "乙方为广东省总代", "“省总代”"),
        ("terms", "乙方为本市唯一经销商", "“唯一经销商”"),
        ("note", "Appointed as Sole Distributor", "“sole distributor”"),
        ("terms", "乙方为总代", "“总代”"),
    ],
)
def test_rule4_contract_with_exclusivity_is_not_saved(
    manager, world, sz_candidate, field, text, named
):
    with pytest.raises(ValidationError) as refused:
        sign_contract(sz_candidate, [world.shenzhen], **{field: text})

    assert list(refused.value.message_dict) == [field]
    assert named in refused.value.message_dict[field][0]
    assert not Contract.objects.exists()


def test_rule4_a_contract_edited_after_signing_is_checked(manager, world, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen], note="预付款")
    move(sz_candidate, "signed", manager)

    with pytest.raises(ValidationError, match="总代理"):
        sign_contract(sz_candidate, [world.shenzhen], note="预付款", terms="补充：乙方为总代理")

    assert Contract.objects.get().terms == ""


def test_rule4_wordings_are_hq_configurable(world, sz_candidate, pipeline_settings):
    pipeline_settings(exclusivity_words=["唯一代理"])

    with pytest.raises(ValidationError, match="唯一代理"):
        sign_contract(sz_candidate, [world.shenzhen], note="乙方为唯一代理")
    contract = sign_contract(sz_candidate, [world.shenzhen], note="独家")

    assert contract.note == "独家"


def test_rule4_a_wording_added_later_still_blocks_signing(
    hq_admin, world, sz_candidate, surveyed, pipeline_settings
):
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen], note="区域独占")
    pipeline_settings(exclusivity_words=["独占"])

    with pytest.raises(ValidationError, match="独占"):
        move(sz_candidate, "signed", hq_admin, override=True, reason="总部特批")

    assert not Dealer.objects.exists()


# --- signing and rule 5: overlap needs a manager's confirmation --------------------------------


def test_signing_creates_active_dealer(manager, world, sz_candidate, surveyed):
    at_stage(sz_candidate, "negotiating")
    contract = sign_contract(sz_candidate, [world.shenzhen])

    move(sz_candidate, "signed", manager)

    dealer = Dealer.objects.get()
    assert (dealer.candidate, dealer.active, dealer.since, dealer.overlap_note) == (
        sz_candidate,
        True,
        datetime.date(2026, 1, 1),
        "",
    )
    assert contract.payment_terms == "prepayment"


@pytest.fixture
def overlapping(manager, world, sz_candidate, surveyed):
    """老经销商 serves 深圳 KA and retail; sz_candidate's contract asks for 南山 KA."""
    first = CandidateFactory(market=world.shenzhen_market, name="老经销商")
    at_stage(first, "negotiating")
    sign_contract(first, [world.shenzhen], channels=["ka", "retail"])
    move(first, "signed", manager)
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.nanshan], channels=["ka"])
    return sz_candidate


def test_rule5_overlap_is_refused_without_confirmation(manager, overlapping):
    with pytest.raises(ValidationError, match="rule 5"):
        move(overlapping, "signed", manager)

    assert stage_of(overlapping) == "negotiating"


def test_rule5_manager_confirms_the_overlap(manager, overlapping):
    change = move(overlapping, "signed", manager, confirm_overlap=True)

    dealer = Dealer.objects.get(candidate=overlapping)
    assert (change.overridden_rules, change.overlap_confirmed) == ([], True)
    assert dealer.overlap_confirmed_by == manager
    assert "老经销商" in dealer.overlap_note


def test_rule5_rep_cannot_confirm_an_overlap(rep, overlapping):
    with pytest.raises(services.RuleRefused, match="Only a manager") as refused:
        move(overlapping, "signed", rep, confirm_overlap=True)

    assert refused.value.forbidden is True
    assert stage_of(overlapping) == "negotiating"


def test_rule5_hq_override_is_recorded(hq_admin, overlapping):
    change = move(overlapping, "signed", hq_admin, override=True, reason="南山KA由新经销商接手")

    assert (change.overridden_rules, change.overlap_confirmed) == ([5], True)
    assert Dealer.objects.get(candidate=overlapping).overlap_confirmed_by == hq_admin


def test_rule5_an_erp_synced_dealer_overlaps(manager, world, sz_candidate, surveyed):
    Dealer.objects.create(
        market=world.shenzhen_market, name="ERP老客户", external_code="ERP-9", since="2020-01-01"
    )
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.nanshan], channels=["catering"])

    with pytest.raises(ValidationError, match="ERP老客户"):
        move(sz_candidate, "signed", manager)


def test_rule5_an_inactive_or_far_away_dealer_does_not_overlap(
    manager, world, sz_candidate, surveyed
):
    Dealer.objects.create(
        market=world.shenzhen_market,
        name="已停",
        external_code="ERP-1",
        since="2020-01-01",
        active=False,
    )
    Dealer.objects.create(
        market=world.changsha_market,
        name="长沙客户",
        external_code="ERP-2",
        since="2020-01-01",
    )
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen])

    change = move(sz_candidate, "signed", manager)

    assert (change.overridden_rules, change.overlap_confirmed) == ([], False)


def test_different_channel_is_no_overlap(manager, world, sz_candidate, surveyed):
    first = CandidateFactory(market=world.shenzhen_market)
    at_stage(first, "negotiating")
    sign_contract(first, [world.shenzhen], channels=["ka"])
    move(first, "signed", manager)
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen], channels=["catering"])

    change = move(sz_candidate, "signed", manager)

    assert change.overridden_rules == []


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
