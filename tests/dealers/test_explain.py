"""Decisions in words: dealers.explain turns stored reasons into sentences (no database)."""

import pytest
from django.utils import translation

from dealers import explain

ROUGH_DEALER = [
    {"gate": "reputation", "code": "red_flag", "flag": "diversion"},
    {"gate": "reputation", "code": "rating_red_flag", "subitem": "previous_partner", "level": 1},
    {"gate": "reputation", "code": "reputation_below", "score": "26.7", "threshold": "40.0"},
]
OVERSIZED = {
    "gate": "strength",
    "code": "oversized",
    "strength": "48.0",
    "threshold": "60.0",
    "mean_ratio": "10.0",
}


def describe_in(language, reasons, **kwargs):
    with translation.override(language):
        return explain.describe(reasons, **kwargs)


def test_reputation_veto_in_chinese():
    assert describe_in("zh-hans", ROUGH_DEALER) == [
        "口碑否决：冲货（红旗）",
        "口碑否决：前合作厂家因砸价、冲货或欠款取消合作（与上一家厂商分手原因 = 1）",
        "口碑否决：口碑 26.7 低于 40.0",
    ]


def test_reputation_veto_in_english():
    assert describe_in("en", ROUGH_DEALER) == [
        "Reputation veto: diversion (冲货) (red flag)",
        "Reputation veto: dropped by its previous manufacturer for price dumping, diversion "
        "or debts (Why it parted with its previous manufacturer = 1)",
        "Reputation veto: reputation 26.7 is below 40.0",
    ]


def test_payment_record_red_flag_in_chinese():
    reason = {
        "gate": "reputation",
        "code": "rating_red_flag",
        "subitem": "payment_record",
        "level": 1,
    }
    assert describe_in("zh-hans", [reason]) == [
        "口碑否决：惯常拖欠、截流供应商货款（对供应商的付款记录 = 1）"
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "实力不匹配：客大欺厂（实力 48.0，需求倍数 10.0）"),
        (
            "en",
            "Strength mismatch: the big customer bullies the factory "
            "(strength 48.0, need ratio 10.0)",
        ),
    ],
)
def test_oversized(language, text):
    assert describe_in(language, [OVERSIZED]) == [text]


@pytest.mark.parametrize(
    ("mean_ratio", "language", "text"),
    [
        ("0.4", "zh-hans", "实力不足：实力 36.0 低于 60.0（需求倍数 0.4）"),
        (None, "zh-hans", "实力不足：实力 36.0 低于 60.0"),
        ("0.4", "en", "Insufficient strength: strength 36.0 is below 60.0 (need ratio 0.4)"),
    ],
)
def test_insufficient(mean_ratio, language, text):
    reason = {
        "gate": "strength",
        "code": "insufficient",
        "strength": "36.0",
        "threshold": "60.0",
        "mean_ratio": mean_ratio,
    }
    assert describe_in(language, [reason]) == [text]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "暂缓培育：合作意愿 55.0 低于 60.0"),
        ("en", "Nurture: willingness 55.0 is below 60.0"),
    ],
)
def test_willingness(language, text):
    reason = {
        "gate": "willingness",
        "code": "willingness_below",
        "score": "55.0",
        "threshold": "60.0",
    }
    assert describe_in(language, [reason]) == [text]


@pytest.mark.parametrize(
    ("reason", "language", "text"),
    [
        (
            {"gate": "band", "code": "recommended", "total": "72.0", "band_from": "65.0"},
            "zh-hans",
            "推荐：总分 72.0，不低于 65.0",
        ),
        (
            {"gate": "band", "code": "recommended", "total": "72.0", "band_from": "65.0"},
            "en",
            "Recommended: total 72.0, at least 65.0",
        ),
        (
            {"gate": "band", "code": "not_recommended", "total": "42.0", "band_below": "50.0"},
            "zh-hans",
            "不推荐：总分 42.0 低于 50.0",
        ),
    ],
)
def test_band(reason, language, text):
    assert describe_in(language, [reason]) == [text]


def test_template_names_override_the_default_subitem_names():
    reason = {
        "gate": "reputation",
        "code": "rating_red_flag",
        "subitem": "previous_partner",
        "level": 1,
    }
    assert describe_in("zh-hans", [reason], subitem_names={"previous_partner": "上家"}) == [
        "口碑否决：前合作厂家因砸价、冲货或欠款取消合作（上家 = 1）"
    ]


def test_unknown_reason_is_named_not_dropped():
    assert describe_in("en", [{"gate": "future", "code": "rule"}]) == ["future: rule"]


def test_annotate_splits_facts_from_gate_code_and_text():
    with translation.override("en"):
        assert explain.annotate([OVERSIZED]) == [
            {
                "gate": "strength",
                "code": "oversized",
                "text": "Strength mismatch: the big customer bullies the factory "
                "(strength 48.0, need ratio 10.0)",
                "facts": {"strength": "48.0", "threshold": "60.0", "mean_ratio": "10.0"},
            }
        ]
