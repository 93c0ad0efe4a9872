from django.http import Http404
from drf_spectacular.utils import extend_schema

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet

from .. import selectors, services
from ..filtersets import TargetFilterSet
from ..models import Target
from ..rules import KEY_PATTERN
from .serializers import (
    TargetBulkRecordSerializer,
    TargetBulkSerializer,
    TargetSerializer,
    TargetWriteSerializer,
)


class TargetViewSet(SyncViewSet):
    """Monthly targets by market (and dealer), addressed by their key (docs/sync-guide.md).
    Every change is kept as a revision naming the token's user."""

    sync_resource = "targets"
    queryset = Target.objects.select_related("territory", "dealer")
    serializer_class = TargetSerializer
    write_serializer_class = TargetWriteSerializer
    bulk_record_serializer_class = TargetBulkRecordSerializer
    filterset_class = TargetFilterSet
    key_pattern = lookup_value_regex = KEY_PATTERN

    def locked_instance(self, key):
        """A new key must name a market (and dealer) in the caller's scope, else 404, as
        for a record that does not exist for them."""
        instance = super().locked_instance(key)
        if instance is None and not selectors.key_in_scope(user=self.request.user, key=key):
            raise Http404
        return instance

    def perform_bulk(self, records):
        return services.targets_bulk_upsert(records=records, by=self.request.user)

    @extend_schema(
        request=TargetWriteSerializer,
        responses={200: TargetSerializer, 201: TargetSerializer},
        summary="Create or update a target by its key",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=TargetBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 targets; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)
