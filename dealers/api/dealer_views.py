"""Dealers as ERP master data: the shared sync contract (upsert, bulk, idempotency, ETag,
tombstones on delete)."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet
from dealerhub.core.filters import SinceFilter, StrictBooleanFilter
from dealerhub.core.scoping import allowed_paths

from .. import services
from ..models import Dealer
from .serializers import (
    DealerBulkRecordSerializer,
    DealerBulkSerializer,
    DealerSerializer,
    DealerWriteSerializer,
)


class DealerFilterSet(django_filters.FilterSet):
    market = django_filters.CharFilter(field_name="market__territory__code")
    active = StrictBooleanFilter()
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Dealer
        fields = ["market", "active", "updated_since"]


def _dealer_row(row: dict) -> dict:
    credit = row["credit_limit"]
    return {
        "external_code": row["external_code"],
        "name": row["name"],
        "legal_name": row["legal_name"],
        "market": row["market__territory__code"],
        "contact_name": row["contact_name"],
        "contact_phone": row["contact_phone"],
        "address": row["address"],
        "credit_limit": None if credit is None else f"{credit:.2f}",
        "active": row["active"],
        "since": row["since"].isoformat(),
        "candidate": row["candidate__external_code"],
        "updated_at": timezone.localtime(row["updated_at"]).isoformat(),
    }


class DealerViewSet(SyncViewSet):
    """Dealers by external code, scoped by their market's territory."""

    sync_resource = "dealers"
    queryset = Dealer.objects.select_related("market__territory", "candidate")
    serializer_class = DealerSerializer
    write_serializer_class = DealerWriteSerializer
    bulk_record_serializer_class = DealerBulkRecordSerializer
    filterset_class = DealerFilterSet
    writer_roles = ("hq", "erp")

    # Incremental pulls serve 1,000 rows a page: build them from .values() instead of a
    # ModelSerializer per row (about 4x faster); the shape is DealerSerializer's.
    LIST_VALUES = (
        "id",
        "external_code",
        "name",
        "legal_name",
        "market__territory__code",
        "contact_name",
        "contact_phone",
        "address",
        "credit_limit",
        "active",
        "since",
        "candidate__external_code",
        "updated_at",
    )

    @extend_schema(responses={200: DealerSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*self.LIST_VALUES)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([_dealer_row(row) for row in page])

    def perform_bulk(self, records):
        return services.dealers_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    def perform_destroy(self, instance):
        services.dealer_delete(dealer=instance)

    @extend_schema(
        request=DealerWriteSerializer,
        responses={200: DealerSerializer, 201: DealerSerializer},
        summary="Create or update a dealer by its external code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=DealerBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 dealers; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)

    @extend_schema(responses={204: None}, summary="Delete a dealer (a tombstone is kept)")
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)
