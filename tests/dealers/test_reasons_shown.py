"""Every decision explains itself wherever it is shown: candidate page, the result after a
submit, lists, board, comparison and the PDF sheet (issue 11)."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dealers import services, sheets
from dealers.models import ScorecardTemplate
from dealers.templatetags import dealer_labels

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PARTNER_VETO_ZH = "口碑否决：前合作厂家因砸价、冲货或欠款取消合作（与上一家厂商分手原因 = 1）"
OVERSIZED_ZH = "实力不匹配：客大欺厂（实力 48.0，需求倍数 10.0）"
OVERSIZED_EN = (
    "Strength mismatch: the big customer bullies the factory (strength 48.0, need ratio 10.0)"
)


def submit(candidate, user, **ratings):
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=all_ratings(4, **ratings), submit=True
    )


@pytest.fixture
def vetoed(sz_candidate, manager):
    """The seed case: dropped by its previous partner and a bad payer, all else 4."""
    evaluation = submit(sz_candidate, manager, previous_partner=1, payment_record=1)
    assert evaluation.decision == "reject"
    return sz_candidate


@pytest.fixture
def oversized(sz_candidate, manager, plan):
    """Ten times what the market plan needs: strength 48, 客大欺厂."""
    plan(warehouse_m2=Decimal(100), covered_outlets=100)
    sz_candidate.warehouse_m2 = Decimal(1000)
    sz_candidate.covered_outlets = 1000
    sz_candidate.save()
    evaluation = submit(sz_candidate, manager, stores=2)
    assert evaluation.decision == "oversized"
    return sz_candidate


def page(client, name, *args, headers=ZH):
    response = client.get(reverse(name, args=args), **headers)
    assert response.status_code == 200
    return response.content.decode()


# --- the one way: a filter over explain.describe ------------------------------------------


def test_reasons_text_and_first_reason_read_the_stored_facts():
    reasons = [
        {
            "gate": "reputation",
            "code": "rating_red_flag",
            "subitem": "previous_partner",
            "level": 1,
        },
        {"gate": "reputation", "code": "red_flag", "flag": "diversion"},
    ]
    with translation.override("zh-hans"):
        assert dealer_labels.reasons_text(reasons)[0] == PARTNER_VETO_ZH
        assert dealer_labels.first_reason(reasons) == PARTNER_VETO_ZH
    with translation.override("en"):
        assert (
            dealer_labels.reasons_text(reasons)[1] == "Reputation veto: diversion (冲货) (red flag)"
        )
    assert dealer_labels.reasons_text(None) == []
    assert dealer_labels.first_reason([]) == ""


# --- candidate page -----------------------------------------------------------------------


def test_candidate_page_shows_every_veto_reason_in_chinese(client, manager, vetoed):
    client.force_login(manager)
    content = page(client, "dealers:candidate_detail", vetoed.pk)
    assert 'data-decision="reject"' in content
    assert "data-reasons" in content
    assert PARTNER_VETO_ZH in content
    assert "口碑否决：惯常拖欠、截流供应商货款（对供应商的付款记录 = 1）" in content


def test_candidate_page_shows_the_reasons_in_english(client, manager, vetoed):
    client.force_login(manager)
    content = page(client, "dealers:candidate_detail", vetoed.pk, headers=EN)
    assert (
        "Reputation veto: dropped by its previous manufacturer for price dumping, diversion "
        "or debts (Why it parted with its previous manufacturer = 1)"
    ) in content
    assert "与上一家厂商分手原因" not in content


def test_candidate_page_shows_the_oversized_reason(client, manager, oversized):
    client.force_login(manager)
    content = page(client, "dealers:candidate_detail", oversized.pk)
    assert 'data-decision="oversized"' in content
    assert OVERSIZED_ZH in content
    assert OVERSIZED_EN in page(client, "dealers:candidate_detail", oversized.pk, headers=EN)


# --- lists, board, comparison -------------------------------------------------------------


def test_comparison_shows_the_reason_under_the_decision(client, manager, world, oversized):
    client.force_login(manager)
    content = page(client, "dealers:compare", world.shenzhen_market.pk)
    assert OVERSIZED_ZH in content


def test_list_and_board_show_the_first_reason(client, manager, oversized):
    client.force_login(manager)
    for name in ("dealers:candidate_list", "dealers:board"):
        content = page(client, name)
        assert f'<div class="muted small reason" data-reason>{OVERSIZED_ZH}</div>' in content


def test_list_and_board_show_reasons_without_a_query_per_row(
    client, manager, world, sz_candidate, django_assert_max_num_queries
):
    for candidate in CandidateFactory.create_batch(8, market=world.shenzhen_market):
        submit(candidate, manager, previous_partner=1)
    client.force_login(manager)
    for name, limit in (("dealers:candidate_list", 12), ("dealers:board", 12)):
        with django_assert_max_num_queries(limit):
            content = page(client, name)
        assert content.count(PARTNER_VETO_ZH) == 8


def test_market_page_shows_the_reason_of_its_candidates(client, manager, world, oversized):
    oversized.stage = "evaluation"
    oversized.save()
    client.force_login(manager)
    response = client.get(f"/markets/{world.shenzhen_market.pk}/", **ZH)
    assert OVERSIZED_ZH in response.content.decode()


# --- the PDF sheet ------------------------------------------------------------------------


def sheet_html(candidate, language="zh-hans") -> str:
    with translation.override(language):
        return render_to_string("dealers/pdf/sheet.html", sheets.sheet_context(candidate, language))


def test_pdf_shows_the_oversized_reason_and_the_strength_gate_side(settings, tmp_path, oversized):
    from .test_sheets import pdf_text

    settings.MEDIA_ROOT = tmp_path
    text = " ".join(pdf_text(sheets.render_pdf(oversized, "zh-hans")).split())
    assert "客大欺厂" in text and "需求倍数 10.0" in text
    html = sheet_html(oversized)
    assert OVERSIZED_ZH in html
    assert "未通过：实力过剩（客大欺厂）" in html
    assert "Strength fit ≥ 60" in sheet_html(oversized, "en")


def test_pdf_says_insufficient_when_strength_is_below_the_need(manager, sz_candidate, plan):
    plan(warehouse_m2=Decimal(1000), covered_outlets=1000)
    sz_candidate.warehouse_m2 = Decimal(100)
    sz_candidate.covered_outlets = 100
    sz_candidate.save()
    assert submit(sz_candidate, manager, stores=2).decision == "insufficient"
    html = sheet_html(sz_candidate, "en")
    assert "failed: insufficient" in html and "failed: oversized" not in html


def test_pdf_lists_the_veto_reasons_after_the_decision(vetoed):
    html = sheet_html(vetoed)
    decision = html.index('class="decision"')
    assert decision < html.index(PARTNER_VETO_ZH) < html.index("按总分")


def test_pdf_gate_rows_use_the_template_versions_thresholds(vetoed):
    template = ScorecardTemplate.objects.get(status="published")
    ScorecardTemplate.objects.filter(pk=template.pk).update(
        reputation_veto_below=Decimal(35),
        willingness_gate_below=Decimal("55.5"),
        strength_gate_below=Decimal(45),
        band_strong=Decimal(85),
    )
    html = " ".join(sheet_html(vetoed, "en").split())
    assert "Reputation veto: no red flag, reputation ≥ 35" in html
    assert "Willingness ≥ 55.5" in html
    assert "Strength fit ≥ 45" in html
    assert "By total: ≥ 85 strongly recommended, ≥ 65 recommended" in html
    assert "≥ 60" not in html and "≥ 80" not in html
    zh = " ".join(sheet_html(vetoed).split())
    assert "合作意愿 ≥ 55.5" in zh and "按总分：≥ 85 强烈推荐" in zh


# --- no raw code elsewhere: history, overridden rules -------------------------------------


def test_change_history_shows_stages_and_red_flags_in_words(client, manager, sz_candidate):
    sz_candidate.stage = "screening"
    sz_candidate.confirmed_red_flags = ["diversion", "price_dumping"]
    sz_candidate.save()
    client.force_login(manager)

    content = page(client, "dealers:candidate_detail", sz_candidate.pk)

    with translation.override("zh-hans"):
        prospect, screening = (str(dealer_labels.stage_label(s)) for s in ("prospect", "screening"))
    assert f'<td class="old">{prospect}</td><td class="new">{screening}</td>' in content
    assert '<td class="new">冲货、砸价</td>' in content
    assert '<td class="new">screening</td>' not in content


def test_overridden_rules_read_as_rules():
    with translation.override("zh-hans"):
        assert dealer_labels.rule_labels([1, 5]) == "规则 1、规则 5"
    with translation.override("en"):
        assert dealer_labels.rule_labels([3]) == "rule 3"
    assert dealer_labels.rule_labels([]) == ""
