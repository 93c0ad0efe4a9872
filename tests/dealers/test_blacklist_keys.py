"""Blacklist keys (黑名单), pure: normalisation and matching, no database."""

import pytest

from dealers.blacklist import Keys, matched_keys, normalise_name, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "+86 138-0013-8000",
        "8613800138000",
        "0086 138 0013 8000",
        "+86-13800138000",
        "１３８ ００１３ ８０００",  # full-width digits and space
        " 138—0013—8000 ",
    ],
)
def test_mobile_numbers_in_any_format_are_one_key(typed):
    assert normalise_phone(typed) == "13800138000"


@pytest.mark.parametrize(
    "typed", ["0755-12345678", "(0755) 1234 5678", "+86 755 1234 5678", "0086-755-12345678"]
)
def test_landlines_with_or_without_trunk_zero_and_country_code_are_one_key(typed):
    assert normalise_phone(typed) == "75512345678"


@pytest.mark.parametrize("typed", ["", None, "   ", "无", "110", "8612", "12345-6"])
def test_phones_too_short_to_identify_a_firm_have_no_key(typed):
    assert normalise_phone(typed) == ""


def test_names_are_half_width_whitespace_collapsed_and_case_folded():
    assert normalise_name("  深圳市　鹏程（商贸）  有限公司 ") == "深圳市 鹏程(商贸) 有限公司"
    assert normalise_name("ＡＢＣ  Trading\tCO.") == "abc trading co."


@pytest.mark.parametrize("typed", ["", None, " \u3000\t "])
def test_blank_names_have_no_key(typed):
    assert normalise_name(typed) == ""


def test_empty_keys_never_match():
    assert matched_keys(Keys(), Keys()) == []
    assert matched_keys(Keys(legal_entity="a"), Keys(owner="a")) == []


def test_every_shared_key_is_named_in_order():
    firm = Keys.of(legal_entity="鹏程商贸有限公司", owner="王大成", phone="+86 13800138000")
    again = Keys.of(legal_entity="鹏程商贸有限公司", owner="王 大成", phone="138 0013 8000")
    assert matched_keys(again, firm) == ["legal_entity", "phone"]
