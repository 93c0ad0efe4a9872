from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MONTHS
from .models import VALUE_DIGITS
from .selectors import Grid


def _value_field(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=VALUE_DIGITS,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"}),
        **kwargs,
    )


class GridForm(forms.Form):
    """Every cell of a region's grid: ``c-<row>-<month>``; ``t-<row>`` is the annual figure
    the month split spreads; ``version`` is the grid version the user opened."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the total differs from HQ's figure; kept with every change."),
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    region_total = _value_field(label=_("Figure to spread over the markets"))

    def __init__(self, *args, grid: Grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for row in grid.rows:
            for month in MONTHS:
                cell = _value_field(label=f"{row.label} {month}", initial=row.values.get(month))
                cell.widget.attrs["aria-label"] = cell.label
                self.fields[f"c-{row.key}-{month}"] = cell
            self.fields[f"t-{row.key}"] = _value_field(
                label=_("%(row)s annual figure") % {"row": row.label}, initial=row.total or None
            )
        self.fields["version"].initial = grid.version
        self.fields["region_total"].initial = grid.hq_value

    def cell(self, row, month):
        return self[f"c-{row.key}-{month}"]

    def values(self) -> dict[tuple[int, int | None, int], Decimal | None]:
        """{(territory id, dealer id, month): value} of the cells the form sent (a cell not
        sent at all is left as it is; one sent blank clears the figure to 0)."""
        return {
            (row.territory_id, row.dealer_id, month): self.cleaned_data.get(f"c-{row.key}-{month}")
            for row in self.grid.rows
            for month in MONTHS
            if f"c-{row.key}-{month}" in self.data
        }


class RegionalFigureForm(forms.Form):
    hq_value = _value_field(label=_("HQ's regional figure"))


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        help_text=_(
            "Columns: year, month, measure, territory_code, dealer_code (optional), value."
        ),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
