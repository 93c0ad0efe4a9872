import re

from rest_framework import serializers

ASCII_INTEGER = re.compile(r"-?[0-9]+")


class QueryIntegerField(serializers.IntegerField):
    """A whole number in a query string, in ASCII digits only: str.isdigit() accepts '²'
    and int() reads '٢٠٢٥', which is not what a client sending the contract's integer means."""

    def to_internal_value(self, data):
        if not isinstance(data, int) and not ASCII_INTEGER.fullmatch(str(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


# The largest value of PostgreSQL's integer, the column of Django's (Positive)IntegerField.
INTEGER_MAX = 2_147_483_647


class PositiveIntegerField(serializers.IntegerField):
    """0 to INTEGER_MAX, what a PositiveIntegerField column holds: a larger number is a 400
    naming the field, not a database error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INTEGER_MAX)
        super().__init__(**kwargs)


class CoordinateField(serializers.DecimalField):
    """A longitude (``limit=180``) or latitude (``limit=90``) in degrees, 6 decimals, optional."""

    def __init__(self, *, limit: int, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(
            max_digits=9, decimal_places=6, min_value=-limit, max_value=limit, **kwargs
        )


class ModelSerializer(serializers.ModelSerializer):
    """The API's ModelSerializer: a model field with choices and blank=True keeps
    allow_blank when it is read-only, so the schema admits the "" such rows hold
    (DRF drops allow_blank from read-only fields, and generated clients then reject "")."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = "choices" in kwargs and kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice:
            kwargs["allow_blank"] = True
        return kwargs


class BulkResultLineSerializer(serializers.Serializer):
    """The outcome of one record of a bulk request, in the order sent."""

    index = serializers.IntegerField()
    external_code = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    # The metaclass moves declared fields into _declared_fields, so this does not replace
    # Serializer.errors as the stubs assume.
    errors = serializers.DictField(required=False)  # type: ignore[assignment]


class BulkResultSerializer(serializers.Serializer):
    results = BulkResultLineSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class ExternalCodeField(serializers.RegexField):
    """The ERP's key of a record: what the detail route ``…/{external_code}`` can address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The ERP's code: 1–64 letters, digits, '_', '.' or '-'.")
        super().__init__(r"^[A-Za-z0-9_.\-]{1,64}$", **kwargs)
