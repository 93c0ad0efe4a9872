from drf_spectacular.utils import extend_schema

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet

from .. import services
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
