"""Forms of the scorecard template editor: the version's settings, its criteria and,
nested under each criterion, its sub-items (one formset per criterion)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Criterion, ScorecardTemplate, SubItem
from .template_rules import SETTINGS_FIELDS, CriterionDraft, SubItemDraft, TemplateSettings

CRITERION_FIELDS = ["code", "name", "name_en", "weight", "position"]
SUBITEM_FIELDS = [
    "code",
    "name",
    "name_en",
    "weight",
    "position",
    "level_1",
    "level_3",
    "level_5",
    "red_flag_level",
]


class VersionForm(forms.Form):
    """The draft's ``updated_at`` as the user saw it (stale edits and publishes are refused)."""

    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)


class TemplateDraftForm(VersionForm):
    """Notes, gates, band edges and fit parameters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels, limits and validators from the model, without binding an instance.
        self.fields.update(
            forms.fields_for_model(ScorecardTemplate, fields=["notes", *SETTINGS_FIELDS])
        )
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 2})

    def settings(self) -> TemplateSettings:
        return TemplateSettings(**{name: self.cleaned_data[name] for name in SETTINGS_FIELDS})


class _RowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    model: type = Criterion
    row_fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(self.model, fields=self.row_fields))
        self.fields["weight"].widget.attrs.update({"inputmode": "decimal", "class": "num"})
        self.fields["position"].widget.attrs.update({"class": "num"})

    @property
    def kept(self) -> bool:
        """Filled in (or stored) and not marked for deletion."""
        return bool(self.cleaned_data) and not self.cleaned_data.get("DELETE")


class CriterionForm(_RowForm):
    model = Criterion
    row_fields = CRITERION_FIELDS


class SubItemForm(_RowForm):
    model = SubItem
    row_fields = SUBITEM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].initial = Decimal(1)


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)
SubItemFormSet = forms.formset_factory(SubItemForm, extra=1, can_delete=True)


class TemplateEditor:
    """The whole editor as one unit: validates, turns into drafts, shows service errors.

    Sub-items are nested by prefix (``criteria-2-items-0-code``), so a criterion added in
    this save can get its sub-items in the same save.
    """

    def __init__(self, *, template: ScorecardTemplate, criteria: list[CriterionDraft], data=None):
        self.template = template
        initial = {name: getattr(template, name) for name in ["notes", *SETTINGS_FIELDS]}
        initial["version"] = template.updated_at
        self.form = TemplateDraftForm(data, initial=initial)
        self.criteria = CriterionFormSet(
            data,
            prefix="criteria",
            initial=[
                {"id": c.id, **{name: getattr(c, name) for name in CRITERION_FIELDS}}
                for c in criteria
            ],
        )
        for i, criterion_form in enumerate(self.criteria.forms):
            stored = criteria[i].subitems if i < len(criteria) else ()
            criterion_form.items = SubItemFormSet(
                data,
                prefix=f"criteria-{i}-items",
                initial=[
                    {"id": s.id, **{name: getattr(s, name) for name in SUBITEM_FIELDS}}
                    for s in stored
                ],
            )
        self.criteria_errors: list[str] = []
        self._located: list[tuple[forms.Form, list[forms.Form]]] = []

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        valid = self.criteria.is_valid() and valid
        for criterion_form in self.criteria.forms:
            # A criterion being deleted takes its sub-items along, whatever they say.
            if criterion_form.cleaned_data.get("DELETE"):  # cleaned by the formset above
                continue
            valid = criterion_form.items.is_valid() and valid
            if not criterion_form.cleaned_data and any(  # a blank new criterion row
                f.has_changed() for f in criterion_form.items.forms
            ):
                criterion_form.add_error(None, _("Fill in the criterion of these sub-items."))
                valid = False
        return valid

    def drafts(self) -> list[CriterionDraft]:
        """The kept criteria with their kept sub-items, in the order they are shown."""
        drafts = []
        self._located = []
        for criterion_form in self.criteria.forms:
            if not criterion_form.kept:
                continue
            item_forms = [f for f in criterion_form.items.forms if f.kept]
            data = criterion_form.cleaned_data
            drafts.append(
                CriterionDraft(
                    id=data.get("id"),
                    subitems=tuple(
                        SubItemDraft(
                            id=f.cleaned_data.get("id"),
                            **{name: f.cleaned_data[name] for name in SUBITEM_FIELDS},
                        )
                        for f in item_forms
                    ),
                    **{name: data[name] for name in CRITERION_FIELDS},
                )
            )
            self._located.append((criterion_form, item_forms))
        return drafts

    def show(self, exc: ValidationError) -> None:
        """Put each of the service's errors next to its field (keys: template_rules)."""
        if not hasattr(exc, "error_dict"):
            self.form.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            parts = key.split(".")
            if parts[0] != "criteria":
                self.form.add_error(key if key in self.form.fields else None, messages)
            elif len(parts) == 1:
                self.criteria_errors.extend(messages)
            else:
                criterion_form, item_forms = self._located[int(parts[1])]
                if len(parts) == 3:
                    criterion_form.add_error(parts[2], messages)
                else:
                    item_forms[int(parts[3])].add_error(parts[4], messages)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.criteria_errors
            or self.form.errors
            or any(f.errors for f in self.criteria.forms)
            or any(f.errors for c in self.criteria.forms for f in c.items.forms)
        )
