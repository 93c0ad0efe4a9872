from rest_framework import serializers

from dealerhub.core.api.serializers import ModelSerializer

from ..models import Tombstone


class TombstoneSerializer(ModelSerializer):
    """A deletion: which record of which resource disappeared, and when."""

    deleted = serializers.BooleanField(default=True, read_only=True)

    class Meta:
        model = Tombstone
        fields = ["resource", "external_code", "deleted_at", "deleted"]
        read_only_fields = fields
