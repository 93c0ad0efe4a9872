"""Labels for every code a dealer page shows: no raw ``price_dumping`` or ``finance``.

``{% load dealer_labels %}`` then ``{{ code|decision_label }}``, ``red_flag_label``,
``stage_label``, ``fit_label`` (a fit-table sub-item), ``criterion_label``,
``dealer_type_label``. An unknown code is shown as it is rather than hidden.

A decision's reasons (``Evaluation.reasons``, ``Result.reasons``) read as words through
``{{ evaluation.reasons|reasons_text }}`` (a list of sentences, ``explain.describe``) or
``|first_reason`` (the first one, for lists); pages show them with
``{% include "dealers/partials/_decision_reasons.html" with reasons=... %}``.
"""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import choices, explain

register = template.Library()

CRITERIA = {
    "willingness": gettext_lazy("Willingness to cooperate"),
    "reputation": gettext_lazy("Reputation"),
    "marketing": gettext_lazy("Marketing awareness"),
    "market": gettext_lazy("Market capability"),
    "management": gettext_lazy("Management capability"),
    "strength": gettext_lazy("Verified strength"),
}


def _label(choice_class, code):
    if code in (None, ""):
        return ""
    try:
        return choice_class(code).label
    except ValueError:
        return code


@register.filter
def decision_label(code):
    """A decision code's words; no decision yet reads "Incomplete"."""
    if not code:
        return _("Incomplete")
    return _label(choices.Decision, code)


@register.filter
def red_flag_label(code):
    return _label(choices.RedFlag, code)


@register.filter
def red_flag_labels(codes):
    """A list of red-flag codes as one line of words."""
    return "、".join(str(red_flag_label(code)) for code in codes or ())


@register.filter
def stage_label(code):
    return _label(choices.Stage, code)


@register.filter
def fit_label(code):
    return _label(choices.FitMeasure, code)


@register.filter
def dealer_type_label(code):
    return _label(choices.DealerType, code)


@register.filter
def criterion_label(code):
    return CRITERIA.get(code, code)


@register.filter
def reasons_text(reasons, subitem_names=None):
    """A decision's reasons in words, in the active language (empty without reasons);
    ``subitem_names`` ({code: name}) names the sub-items of a template with other names."""
    return explain.describe(reasons or (), subitem_names=subitem_names or None)


@register.filter
def first_reason(reasons):
    """The first reason in words: the gate that decided, for a list's one line."""
    return next(iter(reasons_text(reasons[:1] if reasons else ())), "")


@register.filter
def rule_labels(numbers):
    """Pipeline rule numbers as words ("规则 1、规则 5"), e.g. the rules an override passed."""
    return "、".join(_("rule %(number)s") % {"number": number} for number in numbers or ())
