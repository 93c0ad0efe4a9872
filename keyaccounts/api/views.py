from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import Outcome, SyncViewSet
from dealerhub.core.api.throttling import TokenRateThrottle
from dealerhub.core.api.viewsets import TokenScopePermission
from dealerhub.core.scoping import allowed_paths
from markets.models import Territory

from .. import policies, selectors, services
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


class KeyAccountViewSet(SyncViewSet):
    """Key accounts (chains), scoped by their home territory; upsert by external code."""

    sync_resource = "key-accounts"
    queryset = KeyAccount.objects.select_related("territory").with_latest_assessment()
    serializer_class = KeyAccountSerializer
    write_serializer_class = KeyAccountWriteSerializer
    bulk_record_serializer_class = KeyAccountBulkRecordSerializer
    filterset_class = KeyAccountFilterSet

    def locked_instance(self, key):
        instance = super().locked_instance(key)
        # In scope through a store, but a national profile is HQ's: 403, not 404.
        user = self.request.user
        if instance is not None and instance.is_national and not policies.may_hold_national(user):
            self.check_writer(user)  # a rep gets the usual 403 first
            raise exceptions.PermissionDenied(
                _("Only HQ or an all-territory client changes a national account.")
            )
        return instance

    def perform_bulk(self, records):
        return services.accounts_bulk_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    @extend_schema(
        request=KeyAccountWriteSerializer,
        responses={200: KeyAccountSerializer, 201: KeyAccountSerializer},
        summary="Create or update a key account by its external code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=KeyAccountBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 key accounts; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)


class AssessmentViewSet(SyncViewSet):
    """The yearly attractiveness × supportiveness assessment of one account, addressed
    by the account's external code and the year."""

    sync_resource = "key-accounts"  # token scope: assessments belong to the accounts
    contract_name = "key-account-assessments"
    queryset = Assessment.objects.select_related("account", "template")
    serializer_class = AssessmentSerializer
    write_serializer_class = AssessmentWriteSerializer

    def get_key(self) -> str:
        return f"{self.kwargs['external_code']}/{self.kwargs['year']}"

    def record_filter(self, key: str) -> dict:
        code, year = key.rsplit("/", 1)
        return {"account__external_code": code, "year": int(year)}

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), **self.record_filter(self.get_key()))
        self.check_object_permissions(self.request, obj)
        return obj

    def locked_instance(self, key):
        instance = super().locked_instance(key)
        account = instance.account if instance is not None else self._account()  # 404 outside
        if account.is_national and not policies.may_hold_national(self.request.user):
            self.check_writer(self.request.user)
            raise exceptions.PermissionDenied(
                _("Only HQ or an all-territory client changes a national account.")
            )
        return instance

    def _account(self) -> KeyAccount:
        return get_object_or_404(
            KeyAccount.objects.for_user(self.request.user),
            external_code=self.kwargs["external_code"],
        )

    def perform_upsert(self, key, data, instance):
        year = int(self.kwargs["year"])
        if not 2000 <= year <= 2100:
            raise exceptions.ValidationError({"year": [_("The year must be 2000 to 2100.")]})
        if instance is not None:
            # Measures a request leaves out keep their stored values.
            data = {
                name: getattr(instance, name) for name in AssessmentWriteSerializer().fields
            } | data
        assessment = services.assessment_upsert(account=self._account(), year=year, measures=data)
        return assessment, Outcome.CREATED if instance is None else Outcome.UPDATED

    @extend_schema(responses={200: AssessmentSerializer}, summary="A key account's assessment")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=AssessmentWriteSerializer,
        responses={200: AssessmentSerializer, 201: AssessmentSerializer},
        summary="Create or update a key account's assessment for a year",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)


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
