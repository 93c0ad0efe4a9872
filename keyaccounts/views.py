from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.views import ScopedQuerysetMixin
from markets.views import FilteredListMixin

from . import exports, scoring, selectors, services
from .choices import QUADRANT_STRATEGY, ComparisonAspect, Quadrant
from .filtersets import KeyAccountFilterSet
from .forms import (
    AccountCreateForm,
    AccountProfileForm,
    AccountYearFormSet,
    AssessmentForm,
    ComparisonForm,
    ContactForm,
    CriterionFormSet,
    MatrixFilterForm,
    OutletCardForm,
    SkuListingForm,
    TemplateForm,
    TradeTermsForm,
)
from .models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    OutletYear,
    RecomputeJob,
    ScorecardTemplate,
    SkuListing,
    TradeTerms,
)
from .services import MEASURE_FIELDS, POINT_FIELDS


def _can_edit(user) -> bool:
    return user.is_hq or user.is_manager


class AccountListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    model = KeyAccount
    filterset_class = KeyAccountFilterSet
    template_name = "keyaccounts/account_list.html"
    partial_template_name = "keyaccounts/partials/_account_table.html"

    def get_base_queryset(self):
        return selectors.account_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quadrant_choices"] = Quadrant.choices
        return context


class AccountDetailView(ScopedQuerysetMixin, DetailView):
    model = KeyAccount
    template_name = "keyaccounts/account_detail.html"
    context_object_name = "account"

    def get_base_queryset(self):
        return KeyAccount.objects.select_related("territory", "rep")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        assessments = list(
            Assessment.objects.filter(account=account).select_related("template").order_by("year")
        )
        listings = list(SkuListing.objects.filter(account=account))
        context.update(
            years=account.years.order_by("-year"),
            assessments=list(reversed(assessments)),
            movement=[
                {
                    "year": a.year,
                    "quadrant": a.quadrant,
                    "label": a.get_quadrant_display(),
                    "moved": index > 0 and assessments[index - 1].quadrant != a.quadrant,
                }
                for index, a in enumerate(assessments)
            ],
            strategy=(QUADRANT_STRATEGY[assessments[-1].quadrant] if assessments else None),
            terms=selectors.trade_terms_summary(account=account),
            org=selectors.org_tree(account=account),
            contacts=account.contacts.select_related("reports_to"),
            comparisons=account.comparisons.all(),
            cards=account.outlet_cards.select_related("outlet", "outlet__territory"),
            listings=[(listing, selectors.flag_messages(listing)) for listing in listings],
            history=history_for(account),
            can_edit=_can_edit(self.request.user),
        )
        return context


class OutletCardDetailView(ScopedQuerysetMixin, DetailView):
    model = OutletCard
    template_name = "keyaccounts/outlet_card.html"
    context_object_name = "card"

    def get_base_queryset(self):
        return OutletCard.objects.select_related(
            "outlet", "outlet__territory", "account"
        ).prefetch_related(Prefetch("years", queryset=OutletYear.objects.order_by("-year")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_for(self.object)
        context["can_edit"] = _can_edit(self.request.user)
        return context


@login_required
def account_edit(request, pk: int):
    """Managers and HQ edit an account profile; stale edits are refused, nothing is lost."""
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if not _can_edit(request.user):
        raise PermissionDenied
    form = AccountProfileForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.account_update_profile(
                account_id=account.pk, expected_updated_at=version, data=data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Key account saved."))
            return redirect("keyaccounts:account_detail", pk=account.pk)
    return render(request, "keyaccounts/account_form.html", {"form": form, "account": account})


@login_required
def assessment_edit(request, pk: int):
    """Enter a year's raw measures; the scores and quadrant are computed."""
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if not _can_edit(request.user):
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
    from .pdf import matrix_pdf_response

    return matrix_pdf_response(context=_matrix_context(request), request=request)


@login_required
def matrix_export(request):
    """The matrix as an Excel workbook, same scope and filters as the page."""
    context = _matrix_context(request)
    return exports.matrix_workbook_response(
        points=context["points"], year=context["year"], region=context["region"]
    )


# --- Templates and recompute (HQ) -------------------------------------------------------


def _require_hq(user) -> None:
    if not user.is_hq:
        raise Http404


@login_required
def template_list(request):
    _require_hq(request.user)
    templates = ScorecardTemplate.objects.prefetch_related("criteria")
    jobs = RecomputeJob.objects.select_related("template")[:10]
    return render(request, "keyaccounts/template_list.html", {"templates": templates, "jobs": jobs})


@login_required
def template_create(request):
    """A new template version, prefilled from the current default; weights must sum to 100."""
    _require_hq(request.user)
    base = services.default_template()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            criteria = [
                f.as_criterion()
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                template = services.template_create(
                    name=form.cleaned_data["name"],
                    criteria=criteria,
                    threshold_attractiveness=form.cleaned_data["threshold_attractiveness"],
                    threshold_supportiveness=form.cleaned_data["threshold_supportiveness"],
                    notes=form.cleaned_data["notes"],
                )
                if form.cleaned_data["make_default"]:
                    services.template_make_default(template_id=template.pk, user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.messages if hasattr(exc, "error_dict") else exc)
            else:
                messages.success(
                    request, _("Template version %(v)s saved.") % {"v": template.version}
                )
                return redirect("keyaccounts:template_list")
    else:
        form = TemplateForm(
            initial={
                "name": base.name,
                "threshold_attractiveness": base.threshold_attractiveness,
                "threshold_supportiveness": base.threshold_supportiveness,
            }
        )
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {
                    "axis": c.axis,
                    "measure": c.measure,
                    "weight": c.weight,
                    "kind": c.kind,
                    "edge_1": c.edge_1,
                    "edge_2": c.edge_2,
                    "edge_3": c.edge_3,
                    "edge_4": c.edge_4,
                }
                for c in base.criteria.all()
            ],
        )
    return render(
        request, "keyaccounts/template_form.html", {"form": form, "formset": formset, "base": base}
    )


@login_required
@require_POST
def template_make_default(request, pk: int):
    _require_hq(request.user)
    template = get_object_or_404(ScorecardTemplate, pk=pk)
    job = services.template_make_default(template_id=template.pk, user=request.user)
    messages.success(request, _("Recompute queued."))
    return redirect("keyaccounts:job_detail", pk=job.pk)


@login_required
def job_detail(request, pk: int):
    """A recompute job's progress; htmx polls the partial until it is done."""
    _require_hq(request.user)
    job = get_object_or_404(RecomputeJob.objects.select_related("template"), pk=pk)
    template = "keyaccounts/job_detail.html"
    if getattr(request, "htmx", False):
        template = "keyaccounts/partials/_job_progress.html"
    return render(request, template, {"job": job})


# --- Creating accounts and the records on the account page ------------------------------


@login_required
def account_create(request):
    if not _can_edit(request.user):
        raise PermissionDenied
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if KeyAccount.objects.filter(external_code=data["external_code"]).exists():
            form.add_error("external_code", _("A key account with this code exists."))
        else:
            account, _created = services.account_upsert(
                external_code=data["external_code"],
                data={k: v for k, v in data.items() if k not in ("external_code", "territory")},
                territory=data["territory"],
            )
            messages.success(request, _("Key account created."))
            return redirect("keyaccounts:account_detail", pk=account.pk)
    return render(
        request, "keyaccounts/record_form.html", {"form": form, "title": _("New key account")}
    )


def _editable_account(request, pk: int) -> KeyAccount:
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if not _can_edit(request.user):
        raise PermissionDenied
    return account


RECORDS = {
    # kind: (model, form, service, service keyword, page anchor, title)
    "trade-terms": (
        TradeTerms,
        TradeTermsForm,
        services.trade_terms_save,
        "terms",
        "trade-terms",
        _lazy("Trade terms"),
    ),
    "contacts": (
        Contact,
        ContactForm,
        services.contact_save,
        "contact",
        "buyers",
        _lazy("Contact"),
    ),
    "skus": (
        SkuListing,
        SkuListingForm,
        services.sku_listing_save,
        "listing",
        "skus",
        _lazy("SKU listing"),
    ),
    "stores": (
        OutletCard,
        OutletCardForm,
        services.outlet_card_save,
        "card",
        "stores",
        _lazy("Store record card"),
    ),
}


@login_required
def record_edit(request, pk: int, kind: str, record_pk: int | None = None):
    """Add or edit one record of an account (trade terms, contact, SKU, store card)."""
    if kind not in RECORDS:
        raise Http404
    model, form_class, save, keyword, anchor, title = RECORDS[kind]
    account = _editable_account(request, pk)
    instance = get_object_or_404(model, pk=record_pk, account=account) if record_pk else None
    extra = {}
    if form_class is ContactForm:
        extra["account"] = account
    if form_class is OutletCardForm:
        extra["user"] = request.user
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(
                **{keyword: form.save(commit=False)},
                account=account,
                expected_updated_at=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("keyaccounts:account_detail", args=[account.pk]) + f"#{anchor}")
    return render(
        request,
        "keyaccounts/record_form.html",
        {"form": form, "account": account, "title": title},
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def years_edit(request, pk: int):
    """The network and our-business figures as one table, a row per year."""
    account = _editable_account(request, pk)
    queryset = AccountYear.objects.filter(account=account).order_by("year")
    formset = AccountYearFormSet(request.POST or None, queryset=queryset, prefix="years")
    if request.method == "POST" and formset.is_valid():
        rows = [form.save(commit=False) for form in formset.forms if form.has_changed()]
        try:
            services.account_years_save(account=account, years=rows)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("keyaccounts:account_detail", args=[account.pk]))
    return render(
        request,
        "keyaccounts/table_form.html",
        {"formset": formset, "account": account, "title": _("Network and our business by year")},
    )


@login_required
def comparison_edit(request, pk: int):
    """Us vs competitor 1 vs competitor 2, one row per aspect."""
    account = _editable_account(request, pk)
    existing = {row.aspect for row in CompetitorComparison.objects.filter(account=account)}
    queryset = CompetitorComparison.objects.filter(account=account).order_by("id")
    # Extra rows for the aspects not filled in yet, so the table is complete.
    missing = [a for a in ComparisonAspect.values if a not in existing]
    ComparisonSet = forms.modelformset_factory(
        CompetitorComparison, form=ComparisonForm, extra=len(missing), can_delete=False
    )
    formset = ComparisonSet(
        request.POST or None,
        queryset=queryset,
        prefix="cmp",
        initial=[{"aspect": aspect} for aspect in missing],
    )
    for form in formset.forms:
        aspect = form.initial.get("aspect") or form.instance.aspect
        form.row_label = ComparisonAspect(aspect).label if aspect else ""
    if request.method == "POST" and formset.is_valid():
        rows = [form.save(commit=False) for form in formset.forms if form.has_changed()]
        try:
            services.comparisons_save(account=account, rows=rows)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("keyaccounts:account_detail", args=[account.pk]))
    return render(
        request,
        "keyaccounts/table_form.html",
        {"formset": formset, "account": account, "title": _("Competitive comparison")},
    )
