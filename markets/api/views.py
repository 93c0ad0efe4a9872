from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from dealerhub.core.api.viewsets import ScopedReadOnlyViewSet

from .. import services
from ..filtersets import MarketFilterSet, TerritoryFilterSet
from ..models import Market, Territory
from .serializers import MarketSerializer, TerritorySerializer, TerritoryWriteSerializer


class TerritoryViewSet(ScopedReadOnlyViewSet):
    """The territory tree. Reads are scoped; HQ admins and ERP clients may upsert by code."""

    queryset = Territory.objects.select_related("parent")
    serializer_class = TerritorySerializer
    filterset_class = TerritoryFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{1,12}"

    @extend_schema(
        request=TerritoryWriteSerializer,
        responses={200: TerritorySerializer, 201: TerritorySerializer},
        summary="Create or update a territory by its administrative code",
    )
    def update(self, request, code=None):
        user = request.user
        existing = Territory.objects.filter(code=code).only("path").first()
        visible = self.get_queryset().filter(code=code).exists() if existing else False
        if existing and not visible:
            raise Http404
        if not (user.is_hq or user.is_erp_client):
            raise exceptions.PermissionDenied()
        body = TerritoryWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        parent_code = data.get("parent")
        if parent_code and not user.sees_everything:
            # A scoped client can only write below territories it can see.
            if not self.get_queryset().filter(code=parent_code).exists():
                raise exceptions.ValidationError(
                    {"parent": [f"No territory has the code {parent_code}."]}
                )
        elif not parent_code and not user.sees_everything:
            raise exceptions.PermissionDenied()
        try:
            territory, created = services.territory_upsert(
                data=services.TerritoryData(
                    code=code,
                    name=data["name"],
                    level=data["level"],
                    parent_code=parent_code,
                    tier=data.get("tier") or "",
                    population_total=data.get("population_total"),
                    population_urban=data.get("population_urban"),
                    longitude=data.get("longitude"),
                    latitude=data.get("latitude"),
                )
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(
            TerritorySerializer(territory).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MarketViewSet(ScopedReadOnlyViewSet):
    """Markets with their development status, scoped to the caller."""

    queryset = Market.objects.select_related("territory", "rep")
    serializer_class = MarketSerializer
    filterset_class = MarketFilterSet
