"""Every decision explains itself: the reasons of a scoring, in words.

Pure (no ORM): works on the JSON facts ``scoring.Result.reasons`` produces and
``Evaluation.reasons`` / ``EvaluationScore.reasons`` store (the SQL recompute writes the
same). The words come in the active language, so call it inside the request, or under
``translation.override(language)`` for a PDF or a mail::

    from dealers import explain

    for line in explain.describe(evaluation.reasons):
        ...  # "口碑否决：前合作厂家因砸价、冲货或欠款取消合作（与上一家厂商分手原因 = 1）"

    explain.annotate(evaluation.reasons)  # [{"gate", "code", "text", "facts"}], as the API

Sub-items are named from the default template (Chinese or English by the active
language); pass ``subitem_names`` ({code: name}) for a template with other names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import scoring
from .defaults import DEFAULT_CRITERIA


def _default_names() -> dict[str, str]:
    chinese = (get_language() or "zh-hans").lower().startswith("zh")
    return {
        code: (name if chinese else english)
        for *_criterion, items in DEFAULT_CRITERIA
        for code, name, english, *_levels in items
    }


def _flag(code: str) -> str:
    labels = {
        "price_dumping": _("price dumping (砸价)"),
        "diversion": _("diversion (冲货)"),
        "withholding_payments": _("withholding payments (截流货款)"),
    }
    return labels.get(code, code)


def _rating_flag_meaning(subitem: str) -> str:
    meanings = {
        "previous_partner": _(
            "dropped by its previous manufacturer for price dumping, diversion or debts"
        ),
        "payment_record": _("habitually withholds payments to suppliers"),
    }
    return meanings.get(subitem, _("a rating that is a red flag"))


def _band(code: str) -> str:
    labels = {
        scoring.STRONGLY_RECOMMENDED: _("Strongly recommended"),
        scoring.RECOMMENDED: _("Recommended"),
        scoring.CONDITIONAL: _("Conditional"),
        scoring.NOT_RECOMMENDED: _("Not recommended"),
    }
    return labels.get(code, code)


def sentence(reason: Mapping, *, subitem_names: Mapping[str, str] | None = None) -> str:
    """One reason in words (an unknown reason is named by its gate and code)."""
    gate, code = reason.get("gate"), reason.get("code")
    if gate == scoring.GATE_REPUTATION and code == scoring.RED_FLAG:
        return _("Reputation veto: %(flag)s (red flag)") % {"flag": _flag(str(reason["flag"]))}
    if gate == scoring.GATE_REPUTATION and code == scoring.RATING_RED_FLAG:
        subitem = str(reason["subitem"])
        names = {**_default_names(), **(subitem_names or {})}
        return _("Reputation veto: %(meaning)s (%(subitem)s = %(level)s)") % {
            "meaning": _rating_flag_meaning(subitem),
            "subitem": names.get(subitem, subitem),
            "level": reason["level"],
        }
    if gate == scoring.GATE_REPUTATION and code == scoring.REPUTATION_BELOW:
        return _("Reputation veto: reputation %(score)s is below %(threshold)s") % reason
    if gate == scoring.GATE_WILLINGNESS:
        return _("Nurture: willingness %(score)s is below %(threshold)s") % reason
    if gate == scoring.GATE_STRENGTH and code == scoring.OVERSIZED:
        return (
            _(
                "Strength mismatch: the big customer bullies the factory "
                "(strength %(strength)s, need ratio %(mean_ratio)s)"
            )
            % reason
        )
    if gate == scoring.GATE_STRENGTH and reason.get("mean_ratio") is not None:
        return (
            _(
                "Insufficient strength: strength %(strength)s is below %(threshold)s "
                "(need ratio %(mean_ratio)s)"
            )
            % reason
        )
    if gate == scoring.GATE_STRENGTH:
        return _("Insufficient strength: strength %(strength)s is below %(threshold)s") % reason
    if gate == scoring.GATE_BAND and "band_below" in reason:
        return _("%(decision)s: total %(total)s is below %(band_below)s") % {
            **reason,
            "decision": _band(str(code)),
        }
    if gate == scoring.GATE_BAND:
        return _("%(decision)s: total %(total)s, at least %(band_from)s") % {
            **reason,
            "decision": _band(str(code)),
        }
    return f"{gate}: {code}"


def describe(
    reasons: Iterable[Mapping], *, subitem_names: Mapping[str, str] | None = None
) -> list[str]:
    """The reasons of a decision in words, in the active language, in their order."""
    return [sentence(reason, subitem_names=subitem_names) for reason in reasons]


def annotate(
    reasons: Iterable[Mapping], *, subitem_names: Mapping[str, str] | None = None
) -> list[dict]:
    """Each reason as {gate, code, text, facts}: the API's shape."""
    return [
        {
            "gate": reason.get("gate"),
            "code": reason.get("code"),
            "text": sentence(reason, subitem_names=subitem_names),
            "facts": {k: v for k, v in reason.items() if k not in ("gate", "code")},
        }
        for reason in reasons
    ]
