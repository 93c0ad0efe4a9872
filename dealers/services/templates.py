"""The scorecard template editor: saving a draft version's criteria, sub-items and settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dealerhub.core.concurrency import refuse_stale

from .. import selectors, template_rules
from ..choices import TemplateStatus
from ..models import Criterion, ScorecardTemplate, SubItem
from ..template_rules import CriterionDraft, SubItemDraft, TemplateSettings

CRITERION_FIELDS = ("code", "name", "name_en", "weight", "position")
SUBITEM_FIELDS = (
    "code",
    "name",
    "name_en",
    "weight",
    "position",
    "level_1",
    "level_3",
    "level_5",
    "red_flag_level",
)


def template_settings(template: ScorecardTemplate) -> TemplateSettings:
    return TemplateSettings(
        **{name: getattr(template, name) for name in template_rules.SETTINGS_FIELDS}
    )


def template_drafts(template: ScorecardTemplate) -> list[CriterionDraft]:
    """A stored version as editor input (criteria and sub-items must be prefetched)."""
    return [
        CriterionDraft(
            id=criterion.pk,
            subitems=tuple(
                SubItemDraft(id=item.pk, **{name: getattr(item, name) for name in SUBITEM_FIELDS})
                for item in criterion.subitems.all()
            ),
            **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
        )
        for criterion in template.criteria.all()
    ]


@transaction.atomic
def template_draft_save(
    *,
    template_id: int,
    notes: str,
    settings: TemplateSettings,
    criteria: Sequence[CriterionDraft],
    expected_updated_at: datetime | None,
) -> ScorecardTemplate:
    """Replace a draft version's settings, criteria and sub-items with the editor's.

    The draft row is locked and must still be the version the editor opened
    (``expected_updated_at``); every save bumps it, so of two editors of the same draft
    the second is refused and keeps its input. Criteria and sub-items keep their ids
    (and audit history); those left out are deleted. Errors are keyed as
    ``template_rules.draft_errors`` keys them. The name is not editable: it is what ties
    the versions of one template together.
    """
    template = ScorecardTemplate.objects.select_for_update().get(pk=template_id)
    if template.status != TemplateStatus.DRAFT:
        raise ValidationError(
            _("Only a draft version can be edited; create a new version to change it.")
        )
    refuse_stale(template.updated_at, expected_updated_at)
    errors = template_rules.draft_errors(settings=settings, criteria=criteria)
    if errors:
        raise ValidationError(errors)

    template = selectors.template_with_items(template.pk)
    stored = {criterion.pk: criterion for criterion in template.criteria.all()}
    stored_items = {
        criterion.pk: {item.pk: item for item in criterion.subitems.all()}
        for criterion in stored.values()
    }
    kept = {criterion.id for criterion in criteria if criterion.id is not None}
    if kept - set(stored):
        raise ValidationError(_("A criterion is not part of this draft; reload the page."))
    for criterion in criteria:
        ids = {item.id for item in criterion.subitems if item.id is not None}
        if ids - set(stored_items.get(criterion.id or 0, {})):
            raise ValidationError(_("A sub-item is not part of its criterion; reload the page."))

    Criterion.objects.filter(template=template).exclude(pk__in=kept).delete()
    for criterion in criteria:
        if criterion.id is not None:
            kept_items = {item.id for item in criterion.subitems if item.id is not None}
            SubItem.objects.filter(criterion_id=criterion.id).exclude(pk__in=kept_items).delete()
    # Codes are unique per template (and per criterion): park renamed rows on a code no
    # one can type first, so swapping two codes does not trip the constraint mid-way.
    for criterion in criteria:
        row = stored.get(criterion.id or 0)
        if row is not None and row.code != criterion.code:
            Criterion.objects.filter(pk=row.pk).update(code=f"~{row.pk}")
        for item in criterion.subitems:
            old = stored_items.get(criterion.id or 0, {}).get(item.id or 0)
            if old is not None and old.code != item.code:
                SubItem.objects.filter(pk=old.pk).update(code=f"~{old.pk}")

    for criterion in criteria:
        row = stored.get(criterion.id or 0) or Criterion(template=template)
        row = _write(row, criterion, CRITERION_FIELDS)
        items = stored_items.get(criterion.id or 0, {})
        for item in criterion.subitems:
            _write(items.get(item.id or 0) or SubItem(criterion=row), item, SUBITEM_FIELDS)

    template.notes = notes
    for name in template_rules.SETTINGS_FIELDS:
        setattr(template, name, getattr(settings, name))
    template.full_clean()
    template.save()  # always: the new updated_at is what the next editor must have seen
    return template


def _write(row, draft, fields: Sequence[str]):
    """Save a criterion or sub-item only if the editor changed it (quiet audit history).

    Uniqueness was checked by ``draft_errors`` and is backed by constraints, so
    ``full_clean`` skips its per-row queries.
    """
    changed = row.pk is None
    for name in fields:
        value = getattr(draft, name)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
    return row
