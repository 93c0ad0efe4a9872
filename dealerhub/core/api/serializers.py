from rest_framework import serializers


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
