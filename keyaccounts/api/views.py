from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncMixin
from dealerhub.core.api.throttling import TokenRateThrottle
from dealerhub.core.api.viewsets import ScopedReadOnlyViewSet, TokenScopePermission
from dealerhub.core.scoping import allowed_paths
from markets.models import Territory

from .. import selectors, services
from ..filtersets import KeyAccountFilterSet
from ..models import Assessment, KeyAccount
from .serializers import (
    AssessmentSerializer,
    AssessmentWriteSerializer,
    KeyAccountBulkRecordSerializer,
    KeyAccountBulkSerializer,
    KeyAccountSerializer,
    KeyAccountWriteSerializer,
    MatrixPointSerializer,
    MatrixQuerySerializer,
)


def _can_write(user) -> bool:
    return user.is_hq or user.is_manager or user.is_erp_client


def _territory_in_scope(user, code: str) -> Territory:
    territory = Territory.objects.for_user(user).filter(code=code).first()
    if territory is None:
        raise exceptions.ValidationError(
            {"territory": [_("No territory in your scope has the code %(code)s.") % {"code": code}]}
        )
    return territory


class KeyAccountViewSet(SyncMixin, ScopedReadOnlyViewSet):
    """Key accounts (chains), scoped by their home territory; upsert by external code."""

    sync_resource = "key-accounts"
    queryset = KeyAccount.objects.select_related("territory").with_latest_assessment()
    serializer_class = KeyAccountSerializer
    filterset_class = KeyAccountFilterSet
    lookup_field = "external_code"

    @extend_schema(
        request=KeyAccountWriteSerializer,
        responses={200: KeyAccountSerializer, 201: KeyAccountSerializer},
        summary="Create or update a key account by its external code",
    )
    def update(self, request, external_code=None):
        user = request.user
        exists = KeyAccount.objects.filter(external_code=external_code).exists()
        if exists and not self.get_queryset().filter(external_code=external_code).exists():
            raise Http404
        if not _can_write(user):
            raise exceptions.PermissionDenied()
        if exists:
            self.check_if_match(request, KeyAccount.objects.get(external_code=external_code))
        body = KeyAccountWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.pop("territory", None)
        territory = _territory_in_scope(user, code) if code else None
        if not exists and territory is None:
            raise exceptions.ValidationError(
                {"territory": [_("A new key account needs its home territory.")]}
            )
        try:
            account, created = services.account_upsert(
                external_code=external_code, data=data, territory=territory
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(
            KeyAccountSerializer(account).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=KeyAccountBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 key accounts; one result per record, in order",
    )
    def bulk(self, request):
        if not _can_write(request.user):
            raise exceptions.PermissionDenied()
        records = self.validated_bulk_records(request, KeyAccountBulkRecordSerializer)
        user = request.user
        results = services.accounts_bulk_upsert(records=records, allowed_paths=allowed_paths(user))
        return self.bulk_response(results)


class AssessmentView(SyncMixin, APIView):
    """The yearly attractiveness × supportiveness assessment of one account."""

    sync_resource = "key-accounts"
    permission_classes = [IsAuthenticated, TokenScopePermission]
    throttle_classes = [TokenRateThrottle]

    def _account(self, request, external_code: str) -> KeyAccount:
        return get_object_or_404(
            KeyAccount.objects.for_user(request.user), external_code=external_code
        )

    @extend_schema(responses={200: AssessmentSerializer}, summary="A key account's assessment")
    def get(self, request, external_code: str, year: str):
        year = int(year)
        account = self._account(request, external_code)
        assessment = get_object_or_404(
            Assessment.objects.select_related("account", "template"), account=account, year=year
        )
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(
        request=AssessmentWriteSerializer,
        responses={200: AssessmentSerializer, 201: AssessmentSerializer},
        summary="Create or update a key account's assessment for a year",
    )
    def put(self, request, external_code: str, year: str):
        year = int(year)
        account = self._account(request, external_code)
        if not _can_write(request.user):
            raise exceptions.PermissionDenied()
        if not 2000 <= year <= 2100:
            raise exceptions.ValidationError({"year": [_("The year must be 2000 to 2100.")]})
        body = AssessmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            assessment, created = services.assessment_upsert(
                account=account, year=year, measures=body.validated_data
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(
            AssessmentSerializer(assessment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MatrixView(APIView):
    """The portfolio matrix: every assessed account in scope with its scores and quadrant."""

    sync_resource = "key-accounts"
    permission_classes = [IsAuthenticated, TokenScopePermission]
    throttle_classes = [TokenRateThrottle]

    @extend_schema(
        parameters=[MatrixQuerySerializer],
        responses={200: MatrixPointSerializer(many=True)},
        summary="Portfolio matrix of key accounts for a year",
    )
    def get(self, request):
        query = MatrixQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = None
        if code := query.validated_data.get("region"):
            region = Territory.objects.for_user(request.user).filter(code=code).first()
            if region is None:
                raise exceptions.ValidationError(
                    {"region": [_("No territory in your scope has this code.")]}
                )
        points = selectors.matrix(
            user=request.user, year=query.validated_data["year"], region=region
        )
        return Response(MatrixPointSerializer(points, many=True).data)
