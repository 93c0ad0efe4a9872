from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import Outcome, SyncViewSet, lock_key
from dealerhub.core.api.viewsets import ScopedReadOnlyViewSet
from dealerhub.core.policies import has_role
from dealerhub.core.scoping import allowed_paths

from .. import services
from ..filtersets import MarketFilterSet, OutletFilterSet, TerritoryFilterSet
from ..models import Market, MarketPlan, MarketSurvey, Outlet, Territory
from .serializers import (
    MARKET_PROFILE_FIELDS,
    MarketPlanSerializer,
    MarketSerializer,
    MarketStatusSerializer,
    MarketWriteSerializer,
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


class TerritoryViewSet(SyncViewSet):
    """The territory tree. Reads are scoped; HQ admins and ERP clients with write scope
    upsert by administrative code, one at a time (PUT) or in batches (bulk)."""

    sync_resource = "territories"
    queryset = Territory.objects.select_related("parent")
    serializer_class = TerritorySerializer
    write_serializer_class = TerritoryWriteSerializer
    bulk_record_serializer_class = TerritoryBulkItemSerializer
    filterset_class = TerritoryFilterSet
    lookup_field = "code"
    key_field = "code"
    key_pattern = lookup_value_regex = r"[0-9]{1,12}"
    writer_roles = ("hq", "erp")

    def perform_bulk(self, records):
        return services.territories_bulk_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    @extend_schema(
        request=TerritoryWriteSerializer,
        responses={200: TerritorySerializer, 201: TerritorySerializer},
        summary="Create or update a territory by its administrative code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=TerritoryBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 territories; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)


class MarketViewSet(SyncViewSet):
    """Markets by their territory's administrative code. ``PUT`` opens a market (201) or
    updates its profile and rep (200); the status moves only through ``POST …/status``,
    under the development rules."""

    sync_resource = "markets"
    queryset = Market.objects.select_related("territory", "rep")
    serializer_class = MarketSerializer
    write_serializer_class = MarketWriteSerializer
    filterset_class = MarketFilterSet
    lookup_field = "territory__code"
    lookup_url_kwarg = "code"
    key_pattern = r"[0-9]{1,12}"

    def locked_instance(self, key):
        instance = super().locked_instance(key)
        if instance is None and not self._territories().filter(code=key).exists():
            raise Http404  # no such territory in the caller's scope
        return instance

    def _territories(self):
        return Territory.objects.for_user(self.request.user)

    def _rep(self, username: str | None):
        if username is None:
            return None
        rep = get_user_model().objects.filter(username=username, is_active=True).first()
        if rep is None:
            raise exceptions.ValidationError({"rep": [_("No active user has this username.")]})
        return rep

    def is_unchanged(self, instance, data: dict) -> bool:
        data = {name: value for name, value in data.items() if name != "confirm_focus"}
        if "rep" in data and data.pop("rep") != (instance.rep.username if instance.rep else None):
            return False
        return super().is_unchanged(instance, data)

    def perform_upsert(self, key, data, instance):
        user = self.request.user
        data = dict(data)
        confirm_focus = bool(data.pop("confirm_focus", False))
        rep_sent = "rep" in data
        rep = self._rep(data.pop("rep", None))
        if instance is None:
            market = services.market_open(
                territory=self._territories().get(code=key),
                rep=rep,
                by=user,
                confirm_focus=confirm_focus,
                **data,
            )
            return market, Outcome.CREATED
        market = services.market_update_profile(
            market_id=instance.pk,
            expected_updated_at=None,  # If-Match was checked under the lock
            rep_id=(rep.pk if rep else None) if rep_sent else instance.rep_id,
            by=user,
            confirm_focus=confirm_focus,
            **{name: data.get(name, getattr(instance, name)) for name in MARKET_PROFILE_FIELDS},
        )
        return market, Outcome.UPDATED

    @extend_schema(
        request=MarketWriteSerializer,
        responses={200: MarketSerializer, 201: MarketSerializer},
        summary="Open a market (201) or update its profile and rep (200), by territory code",
        description=(
            "The status is not set here: a new market starts `blank`; use "
            "`POST /api/v1/markets/{code}/status`."
        ),
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=MarketStatusSerializer,
        responses={200: MarketSerializer},
        summary="Move a market's development status under the rules",
        description=(
            "A rule that forbids the change answers 400 with its message on the field it "
            "concerns (`status`, `reason`, `override_reason` or `rep`); nothing is written. "
            "Accepts `If-Match` (412 when stale) and `Idempotency-Key`."
        ),
    )
    def change_status(self, request, *args, **kwargs):
        user = request.user
        body = MarketStatusSerializer(data=request.data)
        with transaction.atomic():
            market = self.locked_instance(self.get_key())
            if market is None:
                raise Http404
            if not (has_role(user, "hq", "manager", "erp") or market.rep_id == user.pk):
                raise exceptions.PermissionDenied()
            self.check_if_match(request, market)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            # A rule's ValidationError becomes a 400 naming its field (exception handler).
            services.market_change_status(
                market_id=market.pk,
                target=data["status"],
                by=user,
                reason=data["reason"],
                override_reason=data["override_reason"],
                confirm_focus=data["confirm_focus"],
            )
        market = self.read_back(market)
        return self.with_etag(Response(self.get_serializer(market).data), market)


class MarketByIdViewSet(ScopedReadOnlyViewSet):
    """A market by its DealerHub id: the first read route, kept for existing clients."""

    queryset = Market.objects.select_related("territory", "rep")
    serializer_class = MarketSerializer
    sync_resource = "markets"

    @extend_schema(
        deprecated=True,
        operation_id="markets_retrieve_by_id",
        summary="A market by id (use /markets/{territory code})",
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


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


class OutletViewSet(SyncViewSet):
    """Outlets (KA stores, wholesale traders, catering, canteens, small stores) by external code."""

    sync_resource = "outlets"
    queryset = Outlet.objects.select_related("territory")
    serializer_class = OutletSerializer
    write_serializer_class = OutletWriteSerializer
    bulk_record_serializer_class = OutletBulkRecordSerializer
    filterset_class = OutletFilterSet
    writer_roles = ("hq", "manager", "rep", "erp")

    def perform_bulk(self, records):
        return services.outlets_bulk_upsert(
            records=records, allowed_paths=allowed_paths(self.request.user)
        )

    @extend_schema(
        request=OutletWriteSerializer,
        responses={200: OutletSerializer, 201: OutletSerializer},
        summary="Create or update an outlet by its external code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=OutletBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 outlets; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)


class SurveyViewSet(SyncViewSet):
    """Market surveys: create with any sections filled, complete them later with PATCH."""

    sync_resource = "surveys"
    queryset = MarketSurvey.objects.select_related("market__territory", "rep")
    serializer_class = SurveySerializer
    write_serializer_class = SurveyUpdateSerializer
    filterset_fields = ["external_code"]
    lookup_field = "pk"
    writer_roles = ("hq", "manager", "rep", "erp")  # a rep edits only their own surveys

    def locked_instance(self, key):
        instance = super().locked_instance(key)
        if instance is None:  # surveys are created with POST, not by their id
            raise Http404
        return instance

    def perform_upsert(self, key, data, instance):
        user = self.request.user
        if not (instance.rep_id == user.pk or has_role(user, "hq", "manager", "erp")):
            raise exceptions.PermissionDenied()
        survey = services.survey_update(survey_id=instance.pk, values=data)
        return survey, Outcome.UPDATED

    def get_key(self) -> str:
        return str(self.kwargs["pk"])

    @extend_schema(request=SurveyCreateSerializer, responses={201: SurveySerializer})
    def create(self, request):
        body = SurveyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        market = _market_in_scope(request.user, values.pop("market"))
        external_code = values.pop("external_code", None) or None
        surveyed_on = values.pop("surveyed_on")
        with transaction.atomic():
            if external_code:
                lock_key(self.sync_resource, external_code)
                if MarketSurvey.objects.filter(external_code=external_code).exists():
                    raise exceptions.ValidationError(
                        {"external_code": [_("A survey with this external code exists.")]}
                    )
            survey = services.survey_create(
                market_id=market.pk,
                rep=request.user if request.user.is_rep else (market.rep or request.user),
                surveyed_on=surveyed_on,
                external_code=external_code,
            )
            if values:
                survey = services.survey_update(survey_id=survey.pk, values=values)
        survey = self.read_back(survey)
        response = Response(self.get_serializer(survey).data, status=status.HTTP_201_CREATED)
        return self.with_etag(response, survey)

    @extend_schema(request=SurveyUpdateSerializer, responses={200: SurveySerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


class MarketPlanViewSet(SyncViewSet):
    """Market plans, one per market, addressed by the market's territory code."""

    sync_resource = "market-plans"
    queryset = MarketPlan.objects.select_related("market__territory")
    serializer_class = MarketPlanSerializer
    write_serializer_class = MarketPlanSerializer
    lookup_field = "market__territory__code"
    lookup_url_kwarg = "code"
    filterset_fields = ["external_code"]

    def locked_instance(self, key):
        instance = super().locked_instance(key)
        if (
            instance is None
            and not Market.objects.for_user(self.request.user).filter(territory__code=key).exists()
        ):
            raise Http404
        return instance

    def perform_upsert(self, key, data, instance):
        market = Market.objects.for_user(self.request.user).get(territory__code=key)
        code = data.get("external_code")
        if code and MarketPlan.objects.filter(external_code=code).exclude(market=market).exists():
            raise exceptions.ValidationError(
                {"external_code": [_("Another market's plan has this external code.")]}
            )
        plan = services.market_plan_save(market_id=market.pk, **data)
        return plan, Outcome.UPDATED if instance is not None else Outcome.CREATED

    @extend_schema(
        request=MarketPlanSerializer,
        responses={200: MarketPlanSerializer, 201: MarketPlanSerializer},
        summary="Create or update the plan of a market (by its territory code)",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)
