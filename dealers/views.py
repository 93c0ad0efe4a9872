import uuid
from dataclasses import replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.views import ScopedQuerysetMixin
from markets.models import Territory
from markets.views import FilteredListMixin

from . import scoring, selectors, services, sheets
from .choices import ALLOWED_MOVES, DEALER_TYPE_GUIDANCE, RedFlag, Stage
from .filtersets import CandidateFilterSet
from .forms import CandidateForm, ContractForm, MoveForm, ObjectionForm, RoiForm
from .models import Candidate, Contract, ObjectionAnswer, ScorecardTemplate


def _scoped_candidate(request, pk: int) -> Candidate:
    return get_object_or_404(selectors.candidate_list(user=request.user), pk=pk)


def _is_manager(user) -> bool:
    return bool(user.is_hq or user.is_manager)


class CandidateListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    model = Candidate
    filterset_class = CandidateFilterSet
    template_name = "dealers/candidate_list.html"
    partial_template_name = "dealers/partials/_candidate_table.html"

    def get_base_queryset(self):
        return selectors.candidate_list(user=self.request.user).order_by(
            "market__territory__path", "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage_counts"] = selectors.stage_counts(user=self.request.user)
        context["markets"] = selectors.market_choices(user=self.request.user)
        return context


class CandidateDetailView(ScopedQuerysetMixin, DetailView):
    model = Candidate
    template_name = "dealers/candidate_detail.html"

    def get_base_queryset(self):
        return selectors.candidate_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate = self.object
        user = self.request.user
        evaluation = selectors.latest_evaluation(candidate)
        context.update(
            evaluation=evaluation,
            draft=selectors.draft_evaluation(candidate),
            result=selectors.score_result(evaluation) if evaluation else None,
            guidance=DEALER_TYPE_GUIDANCE.get(evaluation.dealer_type, "") if evaluation else "",
            show_owner=_is_manager(user),
            moves=[Stage(s) for s in Stage.values if s in ALLOWED_MOVES[Stage(candidate.stage)]],
            move_form=MoveForm(),
            can_override=services.can_override(user),
            stage_changes=candidate.stage_changes.select_related("by")[:30],
            contract=Contract.objects.filter(candidate=candidate)
            .prefetch_related("territories")
            .first(),
            dealer=getattr(candidate, "dealer", None),
            history=_history(candidate, show_owner=_is_manager(user)),
            sheets={sheet.language: sheet for sheet in candidate.sheets.all()},
            playbook=selectors.objection_playbook(),
            roi=_roi(self.request, candidate),
        )
        if context["contract"]:
            context["overlaps"] = selectors.contract_overlaps(context["contract"])
        return context


def _history(candidate: Candidate, *, show_owner: bool):
    """The audit trail; the owner's personal details stay hidden from reps there too."""
    entries = history_for(candidate)
    if show_owner:
        return entries
    hidden = {str(Candidate._meta.get_field(name).verbose_name) for name in Candidate.OWNER_FIELDS}
    return [
        replace(entry, changes=[c for c in entry.changes if c[0] not in hidden])
        for entry in entries
    ]


def _roi(request, candidate: Candidate) -> dict:
    """The dealer ROI table: defaults from the profile, adjustable by the rep (GET form)."""
    initial = {
        "monthly_volume": Decimal(1000),
        "unit_margin": Decimal(8),
        "monthly_costs": Decimal(3000),
        "initial_investment": candidate.working_capital or Decimal(200000),
    }
    form = RoiForm(request.GET if "monthly_volume" in request.GET else None, initial=initial)
    values = form.cleaned_data if form.is_bound and form.is_valid() else initial
    return {"form": form, "table": scoring.dealer_roi(**values)}


@login_required
def candidate_edit(request, pk: int | None = None):
    candidate = _scoped_candidate(request, pk) if pk else None
    form = CandidateForm(request.POST or None, instance=candidate, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        code = (candidate.external_code if candidate else data.get("external_code")) or (
            "DH-" + uuid.uuid4().hex[:10].upper()
        )
        data.pop("external_code", None)
        if candidate is None and Candidate.objects.filter(external_code=code).exists():
            form.add_error("external_code", _("Another candidate has this code."))
        else:
            try:
                candidate, _created = services.candidate_upsert(
                    external_code=code,
                    values=data,
                    user=request.user,
                    expected_updated_at=version,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Candidate saved."))
                return redirect("dealers:candidate_detail", pk=candidate.pk)
    return render(request, "dealers/candidate_form.html", {"form": form, "candidate": candidate})


@login_required
@require_POST
def candidate_move(request, pk: int):
    candidate = _scoped_candidate(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.candidate_move(
                candidate_id=candidate.pk,
                to_stage=data["to_stage"],
                user=request.user,
                reason=data["reason"],
                override=data["override"],
                rejection_reason=data["rejection_reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Moved to %(stage)s.") % {"stage": Stage(data["to_stage"]).label}
            )
    return redirect(_safe_next(request, request.POST.get("next"), pk))


def _safe_next(request, target: str | None, pk: int | None = None) -> str:
    """A same-site path to go back to, never an outside URL."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if pk is not None:
        return reverse("dealers:candidate_detail", args=[pk])
    return reverse("dealers:candidate_list")


# --- Evaluation capture (phone first, saves as you go) --------------------------------------


def _parse_evaluation_post(post, spec) -> tuple[dict, dict, list, dict]:
    ratings: dict[str, int] = {}
    notes: dict[str, str] = {}
    for code in spec.subitem_codes:
        raw = post.get(f"r_{code}", "")
        if raw.isdecimal():  # isdigit() accepts "²", which int() refuses
            ratings[code] = int(raw)
        note = post.get(f"n_{code}", "").strip()
        if note:
            notes[code] = note[:500]
    flags = [flag for flag in post.getlist("red_flags") if flag]
    capacity = {}
    for name in services.CAPACITY_FIELDS:
        raw = post.get(name, "").strip()
        if raw == "":
            capacity[name] = None
            continue
        try:
            value = Decimal(raw)
        except ArithmeticError:
            raise ValidationError({name: _("Enter a number.")}) from None
        if value < 0:
            raise ValidationError({name: _("Enter a number.")})
        capacity[name] = (
            int(value) if name in ("deliverable_outlets_per_week", "covered_outlets") else value
        )
    return ratings, notes, flags, capacity


@login_required
def evaluation_form(request, pk: int):
    """The scorecard on a phone: one collapsible section per criterion, big 1–5 buttons."""
    candidate = _scoped_candidate(request, pk)
    draft = selectors.draft_evaluation(candidate)
    template = selectors.template_with_items(
        draft.template_id if draft else selectors.published_template().pk
    )
    spec = selectors.template_spec(template)
    errors: list[str] = []
    if request.method == "POST":
        submit = "submit" in request.POST
        try:
            ratings, notes, flags, capacity = _parse_evaluation_post(request.POST, spec)
            evaluation, result = services.evaluation_save(
                candidate_id=candidate.pk,
                user=request.user,
                ratings=ratings,
                notes=notes,
                red_flags=flags,
                capacity=capacity,
                submit=submit,
                evaluation_id=draft.pk if draft else None,
            )
        except ValidationError as exc:
            errors = (
                exc.messages
                if not hasattr(exc, "error_dict")
                else [
                    message
                    for key, values in exc.message_dict.items()
                    if key != "missing"
                    for message in values
                ]
            )
            if request.htmx:
                return render(request, "dealers/partials/_autosave.html", {"errors": errors})
        else:
            if request.htmx and not submit:
                return render(
                    request,
                    "dealers/partials/_autosave.html",
                    {"evaluation": evaluation, "result": result},
                )
            if submit:
                messages.success(request, _("Scorecard submitted."))
                return redirect(reverse("dealers:candidate_detail", args=[pk]) + "#decision")
            draft = evaluation
    source = draft or selectors.latest_evaluation(candidate)
    ratings = source.ratings if source else {}
    notes = source.notes if source else {}
    sections = [
        {
            "criterion": criterion,
            "items": [
                {"item": item, "level": ratings.get(item.code), "note": notes.get(item.code, "")}
                for item in criterion.subitems.all()
            ],
        }
        for criterion in template.criteria.all()
    ]
    need, key_city = selectors.requirement_for(candidate.market)
    return render(
        request,
        "dealers/evaluation_form.html",
        {
            "candidate": candidate,
            "template": template,
            "sections": sections,
            "levels": [1, 2, 3, 4, 5],
            "red_flag_choices": RedFlag.choices,
            "flags": source.red_flags if source else [],
            "need": need,
            "key_city": key_city,
            "fitted": scoring.fitted_subitems(selectors.capacity_of(candidate), need),
            "errors": errors,
            "draft": draft,
        },
    )


# --- Board, comparison, contract, sheets ------------------------------------------------------


@login_required
def board(request):
    """Kanban per market or per region, with buttons to move candidates (phone and desktop)."""
    markets = selectors.market_choices(user=request.user)
    market = None
    region = None
    if request.GET.get("market"):
        market = get_object_or_404(markets, territory__code=request.GET["market"])
    elif request.GET.get("region"):
        region = get_object_or_404(
            Territory.objects.for_user(request.user), code=request.GET["region"]
        )
    columns = selectors.board(user=request.user, market=market, region=region)
    for column in columns:
        for candidate in column["candidates"]:
            candidate.moves = [
                Stage(s) for s in Stage.values if s in ALLOWED_MOVES[Stage(candidate.stage)]
            ]
    regions = Territory.objects.for_user(request.user).filter(level="province")
    return render(
        request,
        "dealers/board.html",
        {
            "columns": columns,
            "markets": markets,
            "regions": regions,
            "market": market,
            "region": region,
            "next": request.get_full_path(),
        },
    )


@login_required
def compare(request, market_pk: int):
    market = get_object_or_404(selectors.market_choices(user=request.user), pk=market_pk)
    rows = selectors.comparison(user=request.user, market=market)
    template = selectors.template_with_items(selectors.published_template().pk)
    criteria = list(template.criteria.all())
    chart = {
        "indicator": [
            {
                "name": c.name if request.LANGUAGE_CODE.startswith("zh") else (c.name_en or c.name),
                "max": 100,
            }
            for c in criteria
        ],
        "series": [
            {
                "name": row.candidate.name,
                "value": [float(row.evaluation.criteria_scores.get(c.code) or 0) for c in criteria],
            }
            for row in rows
            if row.evaluation
        ],
    }
    return render(
        request,
        "dealers/compare.html",
        {
            "market": market,
            "rows": rows,
            "criteria": criteria,
            "chart": chart,
            "move_form": MoveForm(),
        },
    )


@login_required
def contract_edit(request, pk: int):
    candidate = _scoped_candidate(request, pk)
    contract = Contract.objects.filter(candidate=candidate).first()
    form = ContractForm(request.POST or None, instance=contract, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        territories = data.pop("territories")
        channels = data.pop("channels")
        try:
            services.contract_save(
                candidate_id=candidate.pk,
                territory_ids=[t.pk for t in territories],
                channels=channels,
                values=data,
                expected_updated_at=version,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("dealers:candidate_detail", pk=pk)
    return render(request, "dealers/contract_form.html", {"form": form, "candidate": candidate})


@login_required
def sheet_download(request, pk: int):
    """The current PDF, or a status page that polls until the re-render is done."""
    candidate = _scoped_candidate(request, pk)
    language = request.GET.get("lang", "zh-hans")
    sheet, current = sheets.sheet_for(candidate=candidate, language=language)
    if current:
        return FileResponse(
            sheet.file.open("rb"),
            content_type="application/pdf",
            filename=f"{candidate.external_code}-v{sheet.version}.pdf",
        )
    if request.htmx:
        return HttpResponse(status=204)
    return render(
        request,
        "dealers/sheet_status.html",
        {"candidate": candidate, "sheet": sheet, "language": language},
        status=202,
    )


# --- Templates, recomputation, playbook ---------------------------------------------------------


@login_required
def template_list(request):
    if not _is_manager(request.user):
        raise PermissionDenied
    templates = ScorecardTemplate.objects.prefetch_related("criteria")
    return render(
        request,
        "dealers/template_list.html",
        {"templates": templates, "jobs": selectors.recompute_jobs(user=request.user)},
    )


@login_required
@require_POST
def template_publish(request, pk: int):
    if not request.user.is_hq:
        raise PermissionDenied
    try:
        services.template_publish(template_id=pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published; evaluations are being recomputed."))
    return redirect("dealers:template_list")


@login_required
@require_POST
def template_copy(request, pk: int):
    if not request.user.is_hq:
        raise PermissionDenied
    draft = services.template_new_draft(template_id=pk)
    messages.success(request, _("Draft created: edit it in the admin, then publish."))
    return redirect("admin:dealers_scorecardtemplate_change", draft.pk)


@login_required
def recompute_jobs(request):
    """Progress of recomputation jobs (htmx polls this partial)."""
    return render(
        request,
        "dealers/partials/_jobs.html",
        {"jobs": selectors.recompute_jobs(user=request.user)},
    )


@login_required
def objection_edit(request, pk: int):
    if not _is_manager(request.user):
        raise PermissionDenied
    item = get_object_or_404(ObjectionAnswer, pk=pk)
    form = ObjectionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_update(
                objection_id=item.pk,
                heading=form.cleaned_data["heading"],
                answer=form.cleaned_data["answer"],
                expected_updated_at=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Playbook saved."))
            return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "dealers/objection_form.html", {"form": form, "item": item})
