"""Products, sell-in lines and collections on the ERP sync contract."""

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet
from dealerhub.core.filters import SinceFilter
from dealerhub.core.scoping import allowed_paths

from .. import services
from ..models import Collection, Product, SellInLine
from .serializers import (
    CollectionBulkRecordSerializer,
    CollectionBulkSerializer,
    CollectionSerializer,
    CollectionWriteSerializer,
    ProductBulkRecordSerializer,
    ProductBulkSerializer,
    ProductSerializer,
    ProductWriteSerializer,
    SellInLineBulkRecordSerializer,
    SellInLineBulkSerializer,
    SellInLineSerializer,
    SellInLineWriteSerializer,
)


class ProductFilterSet(django_filters.FilterSet):
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Product
        fields = ["category", "life_cycle", "margin_class", "updated_since"]


class ProductViewSet(SyncViewSet):
    """SKUs by code: company-wide master data (every token may read; writers: HQ, ERP)."""

    sync_resource = "products"
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    write_serializer_class = ProductWriteSerializer
    bulk_record_serializer_class = ProductBulkRecordSerializer
    filterset_class = ProductFilterSet
    writer_roles = ("hq", "erp")

    def perform_bulk(self, records):
        return services.products_upsert(records=records)

    @extend_schema(
        request=ProductWriteSerializer,
        responses={200: ProductSerializer, 201: ProductSerializer},
        summary="Create or update a SKU by its code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=ProductBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 SKUs; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)


class SellInLineFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__external_code")
    product = django_filters.CharFilter(field_name="product__external_code")
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = SellInLine
        fields = ["dealer", "product", "updated_since"]


def _line_row(row: dict) -> dict:
    return {
        "external_code": row["external_code"],
        "date": row["date"].isoformat(),
        "dealer": row["dealer__external_code"],
        "product": row["product__external_code"],
        "market": row["market__territory__code"],
        "quantity": f"{row['quantity']:.2f}",
        "value": f"{row['value']:.2f}",
        "standard_units": f"{row['standard_units']:.4f}",
        "lot_codes": row["lot_codes"],
        "updated_at": timezone.localtime(row["updated_at"]).isoformat(),
    }


class SellInLineViewSet(SyncViewSet):
    """Sell-in lines (orders/shipments) by ERP line id, scoped by their dealer's territory."""

    sync_resource = "sell-in-lines"
    queryset = SellInLine.objects.select_related("dealer", "product", "market__territory")
    serializer_class = SellInLineSerializer
    write_serializer_class = SellInLineWriteSerializer
    bulk_record_serializer_class = SellInLineBulkRecordSerializer
    filterset_class = SellInLineFilterSet
    writer_roles = ("hq", "erp")

    # Pulls serve 1,000 lines a page: rows from .values() (the shape of SellInLineSerializer).
    LIST_VALUES = (
        "id",
        "external_code",
        "date",
        "dealer__external_code",
        "product__external_code",
        "market__territory__code",
        "quantity",
        "value",
        "standard_units",
        "lot_codes",
        "updated_at",
    )

    @extend_schema(responses={200: SellInLineSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).values(*self.LIST_VALUES)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([_line_row(row) for row in page])

    def perform_bulk(self, records):
        return services.sell_in_lines_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    def perform_destroy(self, instance):
        services.sell_in_line_delete(line=instance)

    @extend_schema(
        request=SellInLineWriteSerializer,
        responses={200: SellInLineSerializer, 201: SellInLineSerializer},
        summary="Create or update a sell-in line by its ERP line id",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=SellInLineBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 sell-in lines; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)

    @extend_schema(responses={204: None}, summary="Delete a sell-in line (a tombstone is kept)")
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


class CollectionFilterSet(django_filters.FilterSet):
    dealer = django_filters.CharFilter(field_name="dealer__external_code")
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Collection
        fields = ["dealer", "updated_since"]


class CollectionViewSet(SyncViewSet):
    """Collections (回款) by ERP reference, scoped by their dealer's territory."""

    sync_resource = "collections"
    queryset = Collection.objects.select_related("dealer", "market__territory")
    serializer_class = CollectionSerializer
    write_serializer_class = CollectionWriteSerializer
    bulk_record_serializer_class = CollectionBulkRecordSerializer
    filterset_class = CollectionFilterSet
    writer_roles = ("hq", "erp")

    def perform_bulk(self, records):
        return services.collections_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    def perform_destroy(self, instance):
        services.collection_delete(collection=instance)

    @extend_schema(
        request=CollectionWriteSerializer,
        responses={200: CollectionSerializer, 201: CollectionSerializer},
        summary="Create or update a collection by its ERP reference",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=CollectionBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 collections; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)

    @extend_schema(responses={204: None}, summary="Delete a collection (a tombstone is kept)")
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)
