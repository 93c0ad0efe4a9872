"""Assessments and the attractiveness x supportiveness portfolio matrix (page, PDF, Excel)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import exports, policies, scoring, selectors, services
from ..choices import Quadrant
from ..forms import (
    AssessmentForm,
    MatrixFilterForm,
)
from ..models import (
    Assessment,
    ScorecardTemplate,
)
from ..pdf import matrix_pdf_response
from ..services import MEASURE_FIELDS, POINT_FIELDS


@login_required
def assessment_edit(request, pk: int):
    """Enter a year's raw measures; the scores and quadrant are computed."""
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if not policies.can_edit_account(request.user, account):
        raise PermissionDenied
    year = request.GET.get("year") or request.POST.get("year")
    instance = None
    if year and str(year).isdecimal():
        instance = Assessment.objects.filter(account=account, year=int(year)).first()
    form = AssessmentForm(
        request.POST or None,
        instance=instance,
        initial={"year": int(year) if year and str(year).isdecimal() else timezone.now().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_upsert(
                account=account,
                year=data["year"],
                measures={name: data.get(name) for name in (*MEASURE_FIELDS, *POINT_FIELDS)},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("keyaccounts:account_detail", pk=account.pk)
    return render(request, "keyaccounts/assessment_form.html", {"form": form, "account": account})


def _matrix_context(request):
    years = selectors.assessment_years(user=request.user)
    form = MatrixFilterForm(request.GET or None, user=request.user, years=years)
    year = years[0] if years else timezone.now().year
    region = None
    if form.is_valid():
        year = form.cleaned_data.get("year") or year
        region = form.cleaned_data.get("region")
    points = selectors.matrix(user=request.user, year=year, region=region)
    return {
        "form": form,
        "year": year,
        "region": region,
        "points": points,
        "quadrants": selectors.quadrant_summary(points),
        "moved": [point for point in points if point.moved],
        "template": ScorecardTemplate.objects.filter(is_default=True).first(),
        "quadrant_choices": Quadrant.choices,
    }


def _chart_data(context) -> dict:
    template = context["template"]
    return {
        "year": context["year"],
        "thresholds": {
            "attractiveness": float(
                template.threshold_attractiveness if template else scoring.DEFAULT_THRESHOLD
            ),
            "supportiveness": float(
                template.threshold_supportiveness if template else scoring.DEFAULT_THRESHOLD
            ),
        },
        "labels": {
            "x": _("Supportiveness 支持程度"),
            "y": _("Attractiveness 吸引力"),
            "quadrants": {code: str(Quadrant(code).label) for code in scoring.QUADRANTS},
            "previous": _("Previous year"),
        },
        "points": [
            {
                "name": point.name,
                "url": reverse("keyaccounts:account_detail", args=[point.account_id]),
                "x": float(point.supportiveness),
                "y": float(point.attractiveness),
                "quadrant": point.quadrant,
                "px": (
                    float(point.previous_supportiveness)
                    if point.previous_supportiveness is not None
                    else None
                ),
                "py": (
                    float(point.previous_attractiveness)
                    if point.previous_attractiveness is not None
                    else None
                ),
            }
            for point in context["points"]
        ],
    }


@login_required
def matrix(request):
    """The portfolio matrix for a year and region, with how accounts moved since last year."""
    context = _matrix_context(request)
    context["chart"] = _chart_data(context)
    context["query_string"] = request.GET.urlencode()
    return render(request, "keyaccounts/matrix.html", context)


@login_required
def matrix_pdf(request):
    """The printable matrix as an A4 PDF, same scope and filters as the page."""
    return matrix_pdf_response(context=_matrix_context(request), request=request)


@login_required
def matrix_export(request):
    """The matrix as an Excel workbook, same scope and filters as the page."""
    context = _matrix_context(request)
    return exports.matrix_workbook_response(
        points=context["points"], year=context["year"], region=context["region"]
    )
