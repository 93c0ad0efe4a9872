from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Product


class ProductForm(forms.ModelForm):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = [
            "external_code",
            "name",
            "name_en",
            "category",
            "pack_size",
            "unit",
            "list_price",
            "unit_margin",
            "standard_factor",
            "margin_class",
            "life_cycle",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the class follows the margin rate (sales.rules.margin_class_for).
        self.fields["margin_class"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at


class ActualsImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("sell_in", _("Sell-in lines")), ("collections", _("Collections"))],
    )
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))
