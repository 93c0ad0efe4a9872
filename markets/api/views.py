import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncMixin, etag_for
from dealerhub.core.api.viewsets import ScopedReadOnlyViewSet, ScopedViewSetMixin
from dealerhub.core.scoping import allowed_paths

from .. import services
from ..filtersets import MarketFilterSet, OutletFilterSet, TerritoryFilterSet
from ..models import Market, MarketPlan, MarketSurvey, Outlet, Territory
from .serializers import (
    MarketPlanSerializer,
    MarketSerializer,
    OutletBulkRecordSerializer,
    OutletBulkSerializer,
    OutletSerializer,
    OutletWriteSerializer,
    SurveyCreateSerializer,
    SurveySerializer,
    SurveyUpdateSerializer,
    TerritoryBulkItemSerializer,
    TerritoryBulkSerializer,
    TerritorySerializer,
    TerritoryWriteSerializer,
)


def _territory_data(code: str, data: dict) -> services.TerritoryData:
    return services.TerritoryData(
        code=code,
        name=data["name"],
        level=data["level"],
        parent_code=data.get("parent"),
        tier=data.get("tier") or "",
        population_total=data.get("population_total"),
        population_urban=data.get("population_urban"),
        longitude=data.get("longitude"),
        latitude=data.get("latitude"),
    )


class TerritoryViewSet(SyncMixin, ScopedReadOnlyViewSet):
    """The territory tree. Reads are scoped; HQ admins and ERP clients with write scope
    upsert by administrative code, one at a time (PUT) or in batches (bulk)."""

    sync_resource = "territories"
    queryset = Territory.objects.select_related("parent")
    serializer_class = TerritorySerializer
    filterset_class = TerritoryFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{1,12}"

    def _check_writer(self, user) -> None:
        if not (user.is_hq or user.is_erp_client):
            raise exceptions.PermissionDenied()

    @extend_schema(
        request=TerritoryWriteSerializer,
        responses={200: TerritorySerializer, 201: TerritorySerializer},
        summary="Create or update a territory by its administrative code",
    )
    def update(self, request, code=None):
        user = request.user
        existing = Territory.objects.filter(code=code).first()
        if existing and not self.get_queryset().filter(code=code).exists():
            raise Http404
        self._check_writer(user)
        self.check_if_match(request, existing)
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
            territory, outcome = services.territory_upsert(data=_territory_data(code, data))
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        response = Response(
            TerritorySerializer(territory).data,
            status=status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK,
        )
        response["ETag"] = etag_for(territory)
        return response

    @extend_schema(
        request=TerritoryBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 territories; one result per record, in order",
    )
    def bulk(self, request):
        self._check_writer(request.user)
        records = [
            record["errors"] if "errors" in record else _territory_data(record["code"], record)
            for record in self.validated_bulk_records(request, TerritoryBulkItemSerializer)
        ]
        user = request.user
        results = services.territories_bulk_upsert(
            records=records, allowed_paths=allowed_paths(user)
        )
        return self.bulk_response(results)


class MarketViewSet(ScopedReadOnlyViewSet):
    """Markets with their development status, scoped to the caller."""

    queryset = Market.objects.select_related("territory", "rep")
    serializer_class = MarketSerializer
    filterset_class = MarketFilterSet
    sync_resource = "markets"


CODE_RE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def _market_in_scope(user, code: str) -> Market:
    market = (
        Market.objects.for_user(user)
        .select_related("territory")
        .filter(territory__code=code)
        .first()
    )
    if market is None:
        raise exceptions.ValidationError(
            {"market": [_("No market in your territories has this code.")]}
        )
    return market


def _django_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class OutletViewSet(SyncMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Outlets (KA stores, wholesale traders, catering, canteens, small stores) by external code."""

    queryset = Outlet.objects.select_related("territory")
    serializer_class = OutletSerializer
    filterset_class = OutletFilterSet
    lookup_field = "external_code"
    sync_resource = "outlets"

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _apply(self, request, external_code: str, data) -> tuple[Outlet, str]:
        """Validate one record and upsert it; raises DRF errors (404 outside scope)."""
        existing = Outlet.objects.filter(external_code=external_code).only("pk").first()
        if existing and not self.get_queryset().filter(pk=existing.pk).exists():
            raise Http404
        body = OutletWriteSerializer(data=data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        territory = (
            Territory.objects.for_user(request.user).filter(code=values.pop("territory")).first()
        )
        if territory is None:
            raise exceptions.ValidationError(
                {"territory": [_("No territory in your scope has this code.")]}
            )
        try:
            return services.outlet_upsert(
                territory_id=territory.pk, external_code=external_code, values=values
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc

    @extend_schema(
        request=OutletWriteSerializer,
        responses={200: OutletSerializer, 201: OutletSerializer},
        summary="Create or update an outlet by its external code",
    )
    def update(self, request, external_code=None):
        current = self.get_queryset().filter(external_code=external_code).first()
        self.check_if_match(request, current)
        outlet, outcome = self._apply(request, external_code, request.data)
        outlet = self.get_queryset().get(pk=outlet.pk)
        response = Response(
            self.get_serializer(outlet).data,
            status=status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK,
        )
        response["ETag"] = etag_for(outlet)
        return response

    @extend_schema(
        request=OutletBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 outlets; one result per record, in order",
    )
    def bulk(self, request):
        records = self.validated_bulk_records(request, OutletBulkRecordSerializer)
        user = request.user
        results = services.outlets_bulk_upsert(records=records, allowed_paths=allowed_paths(user))
        return self.bulk_response(results)


class SurveyViewSet(SyncMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Market surveys: create with any sections filled, complete them later with PATCH."""

    queryset = MarketSurvey.objects.select_related("market__territory", "rep")
    serializer_class = SurveySerializer
    filterset_fields = ["external_code"]
    sync_resource = "surveys"

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=SurveyCreateSerializer, responses={201: SurveySerializer})
    def create(self, request):
        body = SurveyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        market = _market_in_scope(request.user, values.pop("market"))
        external_code = values.pop("external_code", None) or None
        if external_code and MarketSurvey.objects.filter(external_code=external_code).exists():
            raise exceptions.ValidationError(
                {"external_code": [_("A survey with this external code exists.")]}
            )
        surveyed_on = values.pop("surveyed_on")
        try:
            with transaction.atomic():
                survey = services.survey_create(
                    market_id=market.pk,
                    rep=request.user if request.user.is_rep else (market.rep or request.user),
                    surveyed_on=surveyed_on,
                    external_code=external_code,
                )
                if values:
                    survey = services.survey_update(survey_id=survey.pk, values=values)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        survey = self.get_queryset().get(pk=survey.pk)
        return Response(self.get_serializer(survey).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SurveyUpdateSerializer, responses={200: SurveySerializer})
    def partial_update(self, request, pk=None):
        survey = self.get_object()
        user = request.user
        if not (survey.rep_id == user.pk or user.is_hq or user.is_manager or user.is_erp_client):
            raise exceptions.PermissionDenied()
        body = SurveyUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        try:
            services.survey_update(survey_id=survey.pk, values=dict(body.validated_data))
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)


class MarketPlanViewSet(SyncMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Market plans, one per market, addressed by the market's territory code."""

    queryset = MarketPlan.objects.select_related("market__territory")
    serializer_class = MarketPlanSerializer
    lookup_field = "market__territory__code"
    lookup_url_kwarg = "code"
    filterset_fields = ["external_code"]
    sync_resource = "market-plans"

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, code=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=MarketPlanSerializer,
        responses={200: MarketPlanSerializer, 201: MarketPlanSerializer},
        summary="Create or update the plan of a market (by its territory code)",
    )
    def update(self, request, code=None):
        user = request.user
        market = Market.objects.for_user(user).filter(territory__code=code).first()
        if market is None:
            raise Http404
        if not (user.is_hq or user.is_manager or user.is_erp_client):
            raise exceptions.PermissionDenied()
        body = MarketPlanSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        if (
            values.get("external_code")
            and MarketPlan.objects.filter(external_code=values["external_code"])
            .exclude(market=market)
            .exists()
        ):
            raise exceptions.ValidationError(
                {"external_code": [_("Another market's plan has this external code.")]}
            )
        created = not MarketPlan.objects.filter(market=market).exists()
        try:
            services.market_plan_save(market_id=market.pk, **values)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        plan = self.get_queryset().get(market=market)
        return Response(
            self.get_serializer(plan).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
