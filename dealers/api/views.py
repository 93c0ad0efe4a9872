from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet
from dealerhub.core.scoping import allowed_paths
from markets.models import Territory

from .. import policies, selectors, services, sheets
from ..filtersets import CandidateFilterSet
from ..models import Candidate, Contract
from .serializers import (
    CandidateBulkRecordSerializer,
    CandidateBulkSerializer,
    CandidateSerializer,
    CandidateWriteSerializer,
    ContractSerializer,
    ContractWriteSerializer,
    EvaluationResultSerializer,
    EvaluationWriteSerializer,
    SheetStatusSerializer,
    StageChangeSerializer,
    StageMoveSerializer,
)


class CandidateViewSet(SyncViewSet):
    """Dealer candidates by external code, their evaluations and the PDF evaluation sheet."""

    sync_resource = "dealer-candidates"
    queryset = Candidate.objects.select_related("market__territory").prefetch_related(
        Prefetch("blacklist_matches", queryset=selectors.blacklist_matches())
    )
    serializer_class = CandidateSerializer
    write_serializer_class = CandidateWriteSerializer
    bulk_record_serializer_class = CandidateBulkRecordSerializer
    filterset_class = CandidateFilterSet
    writer_roles = ("hq", "manager", "rep", "erp")

    def perform_bulk(self, records):
        user = self.request.user
        if not policies.can_record_owner(user):
            # As on the form: the owner's details are not the rep's to record.
            refused = {"owner_name": [_("Only managers and HQ record the owner's details.")]}
            records = [
                {"external_code": record.get("external_code"), "errors": refused}
                if "errors" not in record and "owner_name" in record
                else record
                for record in records
            ]
        return services.candidates_bulk_upsert(
            records=records, allowed_paths=allowed_paths(user), user=user
        )

    @extend_schema(
        request=CandidateBulkSerializer,
        responses={200: BulkResultSerializer},
        summary="Upsert up to 1,000 dealer candidates; one result per record, in order",
    )
    def bulk(self, request, *args, **kwargs):
        return super().bulk(request, *args, **kwargs)

    @extend_schema(
        request=CandidateWriteSerializer,
        responses={200: CandidateSerializer, 201: CandidateSerializer},
        summary="Create or update a dealer candidate by its external code",
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        request=EvaluationWriteSerializer,
        responses={201: EvaluationResultSerializer},
        summary="Submit a scorecard; answers the scores and the decision",
        description=(
            "Missing ratings answer 400 with the missing codes in `errors.missing`; a rating "
            "outside 1–5 or an unknown code is a 400 naming it."
        ),
    )
    @action(detail=True, methods=["post"], url_path="evaluations")
    def evaluations(self, request, external_code=None):
        candidate = self.get_object()
        body = EvaluationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # A service's ValidationError becomes a 400 naming the fields (exception handler).
        evaluation = services.evaluation_save(
            candidate_id=candidate.pk,
            user=request.user,
            ratings=data["ratings"],
            notes=data["notes"],
            red_flags=data["red_flags"],
            submit=True,
        )
        return Response(EvaluationResultSerializer(evaluation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StageMoveSerializer,
        responses={200: StageChangeSerializer},
        summary="Move a candidate through the pipeline under rules 1–5",
        description=(
            "A move a rule forbids is a 400 whose `error_codes.to_stage` name the rules "
            "(`rule_1` … `rule_5`); asking to override (HQ admins only) or to confirm an "
            "overlap (managers) without the right is a 403 with code `rule_override_forbidden`."
        ),
    )
    @action(detail=True, methods=["post"], url_path="stage")
    def stage(self, request, external_code=None):
        candidate = self.get_object()
        self.check_writer(request.user)
        body = StageMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            change = services.candidate_move(
                candidate_id=candidate.pk, user=request.user, **body.validated_data
            )
        except services.RuleRefused as refused:
            raise _rule_problem(refused) from refused
        return Response(StageChangeSerializer(change).data)

    @extend_schema(
        methods=["PUT"],
        request=ContractWriteSerializer,
        responses={200: ContractSerializer},
        summary="Record or edit a candidate's contract",
        description=(
            "Every text (terms, note) is checked against the exclusivity wordings on every "
            "save: a match is a 400 naming the words under the field."
        ),
    )
    @extend_schema(methods=["GET"], responses={200: ContractSerializer}, summary="The contract")
    @action(detail=True, methods=["get", "put"], url_path="contract")
    def contract(self, request, external_code=None):
        candidate = self.get_object()
        if request.method == "GET":
            contract = Contract.objects.filter(candidate=candidate).first()
            if contract is None:
                raise exceptions.NotFound(_("No contract yet."))
            return Response(ContractSerializer(contract).data)
        self.check_writer(request.user)
        body = ContractWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        codes = values.pop("territories")
        territories = dict(
            Territory.objects.for_user(request.user)
            .filter(code__in=codes, path__startswith=candidate.market.territory.path)
            .values_list("code", "pk")
        )
        unknown = sorted(set(codes) - set(territories))
        if unknown:
            raise exceptions.ValidationError(
                {
                    "territories": _("Not territories of this market: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )
        contract = services.contract_save(
            candidate_id=candidate.pk,
            territory_ids=list(territories.values()),
            channels=values.pop("channels"),
            values=values,
        )
        return Response(ContractSerializer(contract).data)

    @extend_schema(responses={200: EvaluationResultSerializer}, summary="The latest scorecard")
    @action(detail=True, methods=["get"], url_path="evaluations/latest")
    def latest_evaluation(self, request, external_code=None):
        evaluation = selectors.latest_evaluation(self.get_object())
        if evaluation is None:
            raise exceptions.NotFound(_("No submitted evaluation yet."))
        return Response(EvaluationResultSerializer(evaluation).data)

    @extend_schema(
        parameters=[],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The current sheet"
            ),
            202: SheetStatusSerializer,
        },
        summary="The current evaluation sheet (PDF), or 202 while it renders",
    )
    @action(detail=True, methods=["get"], url_path="evaluation-sheet")
    def evaluation_sheet(self, request, external_code=None):
        candidate = self.get_object()
        language = request.query_params.get("lang", "zh-hans")
        sheet, current = sheets.sheet_for(candidate=candidate, language=language)
        if current:
            return FileResponse(
                sheet.file.open("rb"),
                content_type="application/pdf",
                filename=f"{candidate.external_code}-v{sheet.version}.pdf",
            )
        return Response(
            {
                "status": sheet.status,
                "version": sheet.version,
                "detail": _("The sheet is being rendered; try again in a few seconds."),
            },
            status=status.HTTP_202_ACCEPTED,
            headers={"Retry-After": "3"},
        )


class RuleOverrideForbidden(exceptions.PermissionDenied):
    default_code = "rule_override_forbidden"


def _rule_problem(refused) -> exceptions.APIException:
    """A refused move as the API's problem: 403 when the user asked for an override or a
    confirmation they may not give, else 400; the codes name the rules."""
    messages = refused.message_dict
    if refused.forbidden:
        field, texts = next(iter(messages.items()))
        return RuleOverrideForbidden(
            detail={field: texts[0], "rules": [str(rule) for rule in refused.rules_broken]}
        )
    return exceptions.ValidationError(
        {
            "to_stage": [
                ErrorDetail(violation.message, code=f"rule_{violation.rule}")
                for violation in refused.violations
            ]
        }
    )


def candidate_or_404(user, external_code: str) -> Candidate:
    return get_object_or_404(Candidate.objects.for_user(user), external_code=external_code)
