from datetime import MINYEAR, UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


class SinceFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 lower bound, normalised to UTC before it reaches PostgreSQL.

    Any offset a client sends is accepted (PostgreSQL itself refuses offsets beyond
    ±15:59). A bound that falls outside what can be represented once in UTC (year 1 with
    a positive offset, year 9999 with a negative one) is still a valid date-time: it is
    before every record, or after them all.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except (OverflowError, ValueError):
                return qs if value.year == MINYEAR else qs.none()
        return super().filter(qs, value)


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = forms.TextInput  # NullBooleanSelect turns unknown values into None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        normalized = str(value).lower()
        if normalized in ("true", "1"):
            return True
        if normalized in ("false", "0"):
            return False
        raise DjangoValidationError(_("Use true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true or false; anything else is a 400 (django-filter's own reads it as "no filter",
    so a typo would silently return every row)."""

    field_class = _StrictNullBooleanField


class _AsciiIntegerField(forms.IntegerField):
    def to_python(self, value):
        if value not in self.empty_values and not str(value).strip().isascii():
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number in ASCII digits (django-filter's NumberFilter takes 0.5, and int()
    reads '٢٠٢٥'); anything else is a 400, and the schema says integer."""

    field_class = _AsciiIntegerField
