"""Candidates: list, page, edit, pipeline moves, board, comparison and contract."""

import uuid
from dataclasses import replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.forms import apply_errors
from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin
from markets.models import Territory

from .. import policies, rules, scoring, selectors, services
from ..choices import DEALER_TYPE_GUIDANCE, Stage
from ..filtersets import CandidateFilterSet
from ..forms import CandidateForm, ContractForm, MoveForm, RoiForm
from ..models import Candidate, Contract
from ..templatetags.dealer_labels import red_flag_labels
from .base import safe_next, scoped_candidate


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
        options = move_options_for(user, selectors.move_facts(candidate))
        contract = (
            Contract.objects.filter(candidate=candidate).prefetch_related("territories").first()
        )
        context.update(
            evaluation=evaluation,
            draft=selectors.draft_evaluation(candidate, evaluator=user),
            result=selectors.score_result(evaluation) if evaluation else None,
            guidance=DEALER_TYPE_GUIDANCE.get(evaluation.dealer_type, "") if evaluation else "",
            show_owner=policies.can_manage_candidates(user),
            move_options=options,
            offers_override=any(option.mode == rules.OVERRIDE for option in options),
            offers_confirm=any(option.mode == rules.CONFIRM for option in options),
            move_form=MoveForm(),
            stage_changes=candidate.stage_changes.select_related("by")[:30],
            contract=contract,
            dealer=getattr(candidate, "dealer", None),
            history=_history(candidate, show_owner=policies.can_manage_candidates(user)),
            sheets={sheet.language: sheet for sheet in candidate.sheets.all()},
            playbook=selectors.objection_playbook(),
            can_edit_playbook=policies.can_edit_playbook(user),
            roi=_roi(self.request, contract),
            blacklist_flags=selectors.blacklist_flags(user=user, candidate=candidate),
            can_clear_blacklist=policies.can_clear_blacklist_match(user),
        )
        if context["contract"]:
            context["overlaps"] = selectors.contract_overlaps(context["contract"])
        return context


def move_options_for(user, facts: rules.MoveFacts) -> list[rules.MoveOption]:
    """The moves of one candidate as this user may make them (allowed, by override, by
    confirming an overlap, or disabled with the rules' reasons)."""
    return rules.move_options(
        facts,
        can_override=policies.can_override(user),
        can_confirm_overlap=policies.can_confirm_overlap(user),
    )


def _history(candidate: Candidate, *, show_owner: bool):
    """The audit trail; the owner's personal details stay hidden from reps there too."""
    hidden = (
        set()
        if show_owner
        else {str(Candidate._meta.get_field(name).verbose_name) for name in Candidate.OWNER_FIELDS}
    )
    # Red flags are a list of codes (no field choices): shown in words like everywhere else.
    flags = str(Candidate._meta.get_field("confirmed_red_flags").verbose_name)

    def words(change):
        label, old, new = change
        if label != flags:
            return change
        return (label, red_flag_labels(old) or None, red_flag_labels(new) or None)

    return [
        replace(entry, changes=[words(c) for c in entry.changes if c[0] not in hidden])
        for entry in history_for(candidate)
    ]


def _roi(request, contract: Contract | None) -> dict:
    """The dealer ROI table: defaults from the contract (first order), adjustable by the
    rep (GET form)."""
    initial = {
        "monthly_volume": Decimal(1000),
        "unit_margin": Decimal(8),
        "monthly_costs": Decimal(3000),
        # The dealer risks its first order and launch costs, not its whole capital.
        "first_order": (contract.first_order if contract else None)
        or scoring.ROI_DEFAULT_FIRST_ORDER,
        "launch_costs": scoring.ROI_DEFAULT_LAUNCH_COSTS,
    }
    form = RoiForm(request.GET if "monthly_volume" in request.GET else None, initial=initial)
    values = form.cleaned_data if form.is_bound and form.is_valid() else initial
    return {"form": form, "table": scoring.dealer_roi(**form.roi_values(values))}


@login_required
def candidate_edit(request, pk: int | None = None):
    candidate = scoped_candidate(request, pk) if pk else None
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
                candidate = services.candidate_upsert(
                    external_code=code,
                    values=data,
                    user=request.user,
                    expected_updated_at=version,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Candidate saved."))
                if selectors.blacklist_matches().open().filter(candidate=candidate).exists():
                    messages.warning(
                        request,
                        _("This candidate matches a firm vetoed for reputation (blacklist)."),
                    )
                return redirect("dealers:candidate_detail", pk=candidate.pk)
    return render(request, "dealers/candidate_form.html", {"form": form, "candidate": candidate})


@login_required
@require_POST
def candidate_move(request, pk: int):
    candidate = scoped_candidate(request, pk)
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
                confirm_overlap=data["confirm_overlap"],
                rejection_reason=data["rejection_reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Moved to %(stage)s.") % {"stage": Stage(data["to_stage"]).label}
            )
    return redirect(safe_next(request, request.POST.get("next"), pk))


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
    facts = selectors.move_facts_for(
        candidate for column in columns for candidate in column["candidates"]
    )
    for column in columns:
        for candidate in column["candidates"]:
            # Rejecting needs a reason picked on the candidate's page, not a board button.
            candidate.move_options = [
                option
                for option in move_options_for(request.user, facts[candidate.pk])
                if option.stage != Stage.REJECTED
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
    facts = selectors.move_facts_for(row.candidate for row in rows)
    for row in rows:
        # The comparison offers the forward move only: choosing one evaluated candidate.
        row.candidate.select_option = (
            next(
                (
                    option
                    for option in move_options_for(request.user, facts[row.candidate.pk])
                    if option.stage == Stage.SELECTED
                ),
                None,
            )
            if row.candidate.stage == Stage.EVALUATION
            else None
        )
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
        },
    )


@login_required
def contract_edit(request, pk: int):
    candidate = scoped_candidate(request, pk)
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
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("dealers:candidate_detail", pk=pk)
    return render(request, "dealers/contract_form.html", {"form": form, "candidate": candidate})
