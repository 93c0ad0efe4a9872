from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dealerhub.core.api.serializers import BulkResultSerializer
from dealerhub.core.api.sync import SyncViewSet
from dealerhub.core.scoping import allowed_paths

from .. import policies, selectors, services, sheets
from ..filtersets import CandidateFilterSet
from ..models import Candidate
from .serializers import (
    CandidateBulkRecordSerializer,
    CandidateBulkSerializer,
    CandidateSerializer,
    CandidateWriteSerializer,
    EvaluationResultSerializer,
    EvaluationWriteSerializer,
    SheetStatusSerializer,
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
        evaluation, _result = services.evaluation_save(
            candidate_id=candidate.pk,
            user=request.user,
            ratings=data["ratings"],
            notes=data["notes"],
            red_flags=data["red_flags"],
            submit=True,
        )
        return Response(EvaluationResultSerializer(evaluation).data, status=status.HTTP_201_CREATED)

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


def candidate_or_404(user, external_code: str) -> Candidate:
    return get_object_or_404(Candidate.objects.for_user(user), external_code=external_code)
