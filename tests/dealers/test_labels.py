"""Every code a dealer page shows has words: no raw `price_dumping` or `finance`."""

from django.utils import translation

from dealers.templatetags import dealer_labels


def test_red_flags_read_as_words_in_chinese():
    with translation.override("zh-hans"):
        assert dealer_labels.red_flag_labels(["price_dumping", "diversion"]) == "砸价、冲货"


def test_fit_table_measures_have_labels_in_both_languages():
    with translation.override("en"):
        assert dealer_labels.fit_label("finance") == "Working capital for our line (¥)"
    with translation.override("zh-hans"):
        assert "finance" not in str(dealer_labels.fit_label("finance"))


def test_oversized_decision_has_a_label():
    with translation.override("en"):
        assert "Oversized" in str(dealer_labels.decision_label("oversized"))
    with translation.override("zh-hans"):
        assert "客大欺厂" in str(dealer_labels.decision_label("oversized"))


def test_no_decision_reads_incomplete():
    with translation.override("en"):
        assert dealer_labels.decision_label("") == "Incomplete"


def test_an_unknown_code_is_shown_as_it_is():
    assert dealer_labels.stage_label("someday") == "someday"
