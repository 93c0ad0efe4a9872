from rest_framework import serializers


class BulkResultLineSerializer(serializers.Serializer):
    """The outcome of one record of a bulk request, in the order sent."""

    index = serializers.IntegerField()
    external_code = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    errors = serializers.DictField(required=False)


class BulkResultSerializer(serializers.Serializer):
    results = BulkResultLineSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())
