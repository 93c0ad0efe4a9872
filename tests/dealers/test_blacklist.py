"""The blacklist across markets (黑名单): vetoes remembered by legal entity, owner and
phone; candidates flagged on entry (form, PUT, bulk) with the earlier evidence; HQ
clears a false match with a reason."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dealers import services
from dealers.models import BlacklistEntry, BlacklistMatch, Candidate, Dealer

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db

VETO_REASON = "前合作厂家因砸价取消"
# One identity key of the vetoed firm per case, typed differently from the veto.
KEY_CASES = [
    ("legal_entity", "legal_entity", " 长沙砸价商贸（有限公司） "),
    ("owner_name", "owner", "王　大成"),
    ("contact_phone", "phone", "+86 731-8888-6666"),
]


@pytest.fixture
def vetoed(world, hq_admin, default_template):
    """A firm of the 长沙 market rejected for reputation."""
    candidate = CandidateFactory(
        external_code="CS-BAD",
        name="长沙砸价商贸",
        market=world.changsha_market,
        legal_entity="长沙砸价商贸(有限公司)",
        owner_name="王 大成",
        contact_phone="0731-88886666",
    )
    services.candidate_move(
        candidate_id=candidate.pk,
        to_stage="rejected",
        user=hq_admin,
        reason=VETO_REASON,
        rejection_reason="reputation",
    )
    return candidate


@pytest.fixture
def flagged(vetoed, world):
    """A 深圳 candidate sharing the vetoed firm's phone (entered after the veto)."""
    candidate = services.candidate_upsert(
        external_code="SZ-NEW",
        values={
            "name": "深圳新开商行",
            "market": world.shenzhen_market,
            "contact_phone": "13800000000",
        },
    )
    services.candidate_upsert(external_code="SZ-NEW", values={"contact_phone": "0731 8888 6666"})
    return candidate


def match_of(code: str) -> BlacklistMatch:
    return BlacklistMatch.objects.get(candidate__external_code=code)


# --- where a veto is recorded -----------------------------------------------------------


def test_rejection_for_reputation_records_the_firm_with_its_evidence(vetoed, hq_admin):
    entry = BlacklistEntry.objects.get()
    assert (
        entry.candidate,
        entry.kind,
        entry.market.territory.name,
        entry.note,
        entry.recorded_by,
        entry.legal_entity_key,
        entry.owner_key,
        entry.phone_key,
    ) == (
        vetoed,
        "rejection",
        "长沙市",
        VETO_REASON,
        hq_admin,
        "长沙砸价商贸(有限公司)",
        "王 大成",
        "73188886666",
    )


def test_rejection_for_strength_records_nothing(world, hq_admin, default_template):
    candidate = CandidateFactory(market=world.changsha_market, contact_phone="13800138000")
    services.candidate_move(
        candidate_id=candidate.pk, to_stage="rejected", user=hq_admin, rejection_reason="strength"
    )
    assert not BlacklistEntry.objects.exists()


def test_scorecard_reject_records_the_red_flags_and_reputation_score(sz_candidate, manager, plan):
    plan()
    services.evaluation_save(
        candidate_id=sz_candidate.pk,
        user=manager,
        ratings=all_ratings(4),
        red_flags=["diversion"],
        submit=True,
    )
    entry = BlacklistEntry.objects.get()
    assert (entry.candidate, entry.kind, entry.red_flags, entry.reputation_score) == (
        sz_candidate,
        "scorecard",
        ["diversion"],
        80,
    )


def test_confirmed_red_flag_records_the_case_note(sz_candidate, manager):
    services.candidate_add_red_flag(
        candidate_id=sz_candidate.pk, flag="price_dumping", note="案件 #12", user=manager
    )
    entry = BlacklistEntry.objects.get()
    assert (entry.kind, entry.red_flags, entry.note) == ("red_flag", ["price_dumping"], "案件 #12")


def test_a_second_veto_adds_its_evidence_to_the_same_entry(vetoed, manager):
    services.candidate_add_red_flag(candidate_id=vetoed.pk, flag="diversion", user=manager)
    entry = BlacklistEntry.objects.get()
    assert (entry.kind, entry.red_flags, entry.note) == ("red_flag", ["diversion"], VETO_REASON)


def test_diversion_case_of_an_erp_dealer_flags_candidates_by_its_legal_name(world, sz_candidate):
    Candidate.objects.filter(pk=sz_candidate.pk).update(legal_entity="佛山冲货贸易有限公司")
    services.blacklist_screen_candidates(external_codes=["SZ-001"])  # keys of the candidate
    dealer = Dealer.objects.create(
        market=world.guangzhou_market,
        name="佛山冲货",
        external_code="ERP-9",
        legal_name="佛山冲货贸易有限公司",
        since=datetime.date(2024, 1, 1),
    )
    services.blacklist_record_dealer_case(dealer_id=dealer.pk, flag="diversion", note="窜货案 7")
    match = match_of("SZ-001")
    assert (match.entry.kind, match.entry.dealer, match.matched_keys) == (
        "diversion_case",
        dealer,
        ["legal_entity"],
    )


def test_a_new_veto_flags_a_candidate_already_entered_in_another_market(world, hq_admin):
    earlier = services.candidate_upsert(
        external_code="SZ-EARLY",
        values={"name": "深圳早到", "market": world.shenzhen_market, "owner_name": "李四海"},
    )
    later = CandidateFactory(market=world.changsha_market, owner_name=" 李四海")
    services.candidate_move(
        candidate_id=later.pk, to_stage="rejected", user=hq_admin, rejection_reason="reputation"
    )
    assert match_of("SZ-EARLY").matched_keys == ["owner"]
    assert earlier.blacklist_matches.get().entry.candidate == later


# --- matching at entry: form, PUT, bulk ---------------------------------------------------


@pytest.mark.parametrize(("field", "key", "typed"), KEY_CASES)
def test_form_entry_matching_one_key_is_flagged(client, manager, world, vetoed, field, key, typed):
    client.force_login(manager)
    response = client.post(
        reverse("dealers:candidate_create"),
        {
            "name": "深圳新开商行",
            "market": world.shenzhen_market.pk,
            "source": "referral",
            field: typed,
        },
    )
    candidate = Candidate.objects.get(name="深圳新开商行")
    assert response.status_code == 302
    assert (
        match_of(candidate.external_code).matched_keys,
        match_of(candidate.external_code).status,
    ) == ([key], "open")


@pytest.mark.parametrize(("field", "key", "typed"), KEY_CASES)
def test_put_matching_one_key_answers_the_match(token_client, manager, vetoed, field, key, typed):
    response = token_client(manager).put(
        "/api/v1/dealer-candidates/SZ-NEW",
        {"name": "深圳新开商行", "market": "440300", field: typed},
        format="json",
    )
    assert response.status_code == 201
    (match,) = response.json()["blacklist_matches"]
    assert (
        match["status"],
        match["matched_keys"],
        match["veto_kind"],
        match["market_name"],
        match["evidence"]["firm_name"],
        match["evidence"]["note"],
    ) == ("open", [key], "rejection", "长沙市", "长沙砸价商贸", VETO_REASON)


def test_bulk_flags_each_record_on_its_own_key(token_client, manager, vetoed):
    records = [
        {"external_code": f"B-{key}", "name": f"新商行{key}", "market": "440300", field: typed}
        for field, key, typed in KEY_CASES
    ]
    records.append({"external_code": "B-clean", "name": "干净商行", "market": "440300"})
    response = token_client(manager).post(
        "/api/v1/dealer-candidates/bulk", {"records": records}, format="json"
    )
    assert response.json()["counts"] == {"created": 4}
    flagged = dict(BlacklistMatch.objects.values_list("candidate__external_code", "matched_keys"))
    assert flagged == {f"B-{key}": [key] for _field, key, _typed in KEY_CASES}


def test_bulk_screening_is_set_based(token_client, manager, vetoed):
    client = token_client(manager)

    def post(prefix: str, n: int) -> int:
        records = [
            {
                "external_code": f"{prefix}-{i}",
                "name": f"{prefix}商行{i}",
                "market": "440300",
                "legal_entity": "长沙砸价商贸(有限公司)",
                "contact_phone": "0731-88886666",
            }
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/dealer-candidates/bulk", {"records": records}, format="json"
            )
        assert response.json()["counts"] == {"created": n}
        return len(queries)

    post("WARM", 1)  # a token's first request also writes its `last_used_at`
    assert post("S", 2) == post("L", 40)
    assert BlacklistMatch.objects.count() == 43


def test_empty_keys_never_match(world, hq_admin, default_template):
    bare = CandidateFactory(market=world.changsha_market, legal_entity="某某贸易")
    services.candidate_move(
        candidate_id=bare.pk, to_stage="rejected", user=hq_admin, rejection_reason="reputation"
    )
    services.candidate_upsert(
        external_code="SZ-BARE",
        values={"name": "另一家", "market": world.shenzhen_market, "contact_phone": "  "},
    )
    assert not BlacklistMatch.objects.exists()


def test_a_vetoed_candidate_is_not_flagged_by_its_own_veto(vetoed):
    services.candidate_upsert(external_code="CS-BAD", values={"notes": "再次来访"})
    assert not BlacklistMatch.objects.exists()


def test_changing_the_matching_key_does_not_shed_the_flag(flagged):
    services.candidate_upsert(external_code="SZ-NEW", values={"contact_phone": "13900000000"})
    assert match_of("SZ-NEW").status == "open"


def test_owner_name_is_not_the_reps_to_send(token_client, rep, vetoed):
    response = token_client(rep).put(
        "/api/v1/dealer-candidates/SZ-NEW",
        {"name": "深圳新开商行", "market": "440300", "owner_name": "王大成"},
        format="json",
    )
    assert response.status_code == 400
    assert not Candidate.objects.filter(external_code="SZ-NEW").exists()


# --- what people see ----------------------------------------------------------------------


def test_manager_sees_the_earlier_evidence_on_the_candidate_page(client, manager, flagged, vetoed):
    client.force_login(manager)
    response = client.get(reverse("dealers:candidate_detail", args=[flagged.pk]))
    body = response.content.decode()
    assert [flag.match.entry.candidate for flag in response.context["blacklist_flags"]] == [vetoed]
    for fact in ("长沙砸价商贸", "长沙市", VETO_REASON, "王 大成", 'id="blacklist"'):
        assert fact in body
    # The vetoed record lies outside the 广东 manager's scope: no link to it.
    assert reverse("dealers:candidate_detail", args=[vetoed.pk]) not in body


def test_hq_gets_a_link_to_the_vetoed_record(client, hq_admin, flagged, vetoed):
    client.force_login(hq_admin)
    body = client.get(reverse("dealers:candidate_detail", args=[flagged.pk])).content.decode()
    assert reverse("dealers:candidate_detail", args=[vetoed.pk]) in body


def test_rep_sees_the_flag_without_the_evidence(client, rep, flagged):
    client.force_login(rep)
    body = client.get(reverse("dealers:candidate_detail", args=[flagged.pk])).content.decode()
    assert 'id="blacklist"' in body
    assert "长沙市" in body
    assert VETO_REASON not in body
    assert "王 大成" not in body


def test_rep_api_output_has_the_flag_without_the_evidence(token_client, rep, flagged):
    body = token_client(rep).get("/api/v1/dealer-candidates/SZ-NEW").json()
    assert [(m["matched_keys"], m["evidence"]) for m in body["blacklist_matches"]] == [
        (["phone"], None)
    ]


def test_list_and_board_show_the_flag(client, manager, flagged, sz_candidate):
    client.force_login(manager)
    for url in (reverse("dealers:candidate_list"), reverse("dealers:board")):
        body = client.get(url).content.decode()
        assert body.count("blacklist-badge") == 1


# --- clearing a false match ---------------------------------------------------------------


def test_hq_clears_a_false_match_with_a_reason(client, hq_admin, flagged):
    match = match_of("SZ-NEW")
    client.force_login(hq_admin)
    response = client.post(
        reverse("dealers:blacklist_match_clear", args=[match.pk]), {"reason": "同号不同人，已核实"}
    )
    match.refresh_from_db()
    assert response.status_code == 302
    assert (match.status, match.cleared_by, match.clear_reason) == (
        "cleared",
        hq_admin,
        "同号不同人，已核实",
    )
    assert not Candidate.objects.filter(pk=flagged.pk, blacklist_matches__status="open").exists()


def test_clearing_needs_a_reason(client, hq_admin, flagged):
    match = match_of("SZ-NEW")
    client.force_login(hq_admin)
    response = client.post(
        reverse("dealers:blacklist_match_clear", args=[match.pk]), {"reason": " "}
    )
    assert response.status_code == 200
    assert match_of("SZ-NEW").status == "open"


def test_a_cleared_match_stays_cleared_when_the_candidate_is_saved_again(hq_admin, flagged):
    match = match_of("SZ-NEW")
    services.blacklist_match_clear(match_id=match.pk, user=hq_admin, reason="核实无关")
    services.candidate_upsert(external_code="SZ-NEW", values={"notes": "再访"})
    assert match_of("SZ-NEW").status == "cleared"


@pytest.mark.parametrize("method", ["get", "post"])
def test_manager_in_scope_cannot_clear(client, manager, flagged, method):
    match = match_of("SZ-NEW")
    client.force_login(manager)
    response = getattr(client, method)(
        reverse("dealers:blacklist_match_clear", args=[match.pk]), {"reason": "我觉得不是"}
    )
    assert response.status_code == 403
    assert match_of("SZ-NEW").status == "open"


def test_user_of_another_territory_gets_404(client, rep_outside, flagged):
    match = match_of("SZ-NEW")
    client.force_login(rep_outside)
    assert client.get(reverse("dealers:blacklist_match_clear", args=[match.pk])).status_code == 404
    assert client.get(reverse("dealers:candidate_detail", args=[flagged.pk])).status_code == 404


def test_the_flag_is_in_chinese_by_default(client, manager, flagged):
    client.force_login(manager)
    with translation.override("zh-hans"):
        body = client.get(reverse("dealers:candidate_detail", args=[flagged.pk])).content.decode()
    assert "黑名单：与一家因口碑被否决的商家相符" in body
    assert "匹配项: <strong>电话</strong>" in body
