"""Yearly attractiveness x supportiveness assessments and quadrant-change events."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import scoring
from ..models import (
    Assessment,
    KeyAccount,
)
from .templates import default_template, publish_quadrant_changes

MEASURE_FIELDS = Assessment.MEASURE_FIELDS


POINT_FIELDS = Assessment.POINT_FIELDS


def _shares_from_points(values: dict) -> dict:
    """When raw points are recorded, the shares are computed from them (spec rule)."""
    pairs = {
        "merchandising_share": ("our_merchandising_points", "total_merchandising_points"),
        "activity_share": ("our_activity_points", "total_activity_points"),
        "product_distribution": ("our_skus_in_category", "total_skus_in_category"),
    }
    for share, (ours, total) in pairs.items():
        computed = scoring.share_pct(values.get(ours), values.get(total))
        if computed is not None:
            values[share] = computed
    for ours, total in pairs.values():
        if values.get(ours) is not None and values.get(total) is not None:
            if values[ours] > values[total]:
                raise ValidationError({ours: _("Our points cannot exceed all points.")})
    return values


@transaction.atomic
def assessment_upsert(
    *, account: KeyAccount, year: int, measures: Mapping[str, object]
) -> Assessment:
    """Create or update the year's assessment under the current default template."""
    template = default_template()
    values = {name: measures.get(name) for name in (*MEASURE_FIELDS, *POINT_FIELDS)}
    values = _shares_from_points(values)
    assessment = Assessment.objects.select_for_update().filter(account=account, year=year).first()
    previous_quadrant = None if assessment is None else assessment.quadrant
    if assessment is None:
        assessment = Assessment(account=account, year=year)
    for name, value in values.items():
        setattr(assessment, name, value)
    result = scoring.evaluate(
        template.as_criteria(),
        values,
        threshold_attractiveness=template.threshold_attractiveness,
        threshold_supportiveness=template.threshold_supportiveness,
    )
    assessment.template = template
    assessment.attractiveness = result.attractiveness
    assessment.supportiveness = result.supportiveness
    assessment.quadrant = result.quadrant
    assessment.full_clean()
    assessment.save()
    if assessment.quadrant != previous_quadrant:
        publish_quadrant_changes([(assessment.pk, previous_quadrant, assessment.quadrant)])
    return assessment
