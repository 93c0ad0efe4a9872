"""The scorecard template editor (HQ): versions, editing a draft, publishing with a preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealerhub.core.policies import require

from .. import impact, policies, selectors, services, template_rules
from ..choices import TemplateStatus
from ..models import ScorecardTemplate
from ..template_forms import TemplateEditor, VersionForm


@login_required
def template_list(request):
    require(policies.can_manage_candidates(request.user))  # read-only for managers
    templates = ScorecardTemplate.objects.prefetch_related("criteria")
    return render(
        request,
        "dealers/template_list.html",
        {
            "templates": templates,
            "jobs": selectors.recompute_jobs(user=request.user),
            "can_edit_templates": policies.can_edit_templates(request.user),
        },
    )


@login_required
def template_detail(request, pk: int):
    """One version, read-only: settings, criteria, sub-items and their level anchors."""
    require(policies.can_edit_templates(request.user))
    template = _template(pk)
    criteria = services.template_drafts(template)
    return render(
        request,
        "dealers/template_detail.html",
        {
            "template": template,
            "criteria": criteria,
            "settings": _settings_rows(template),
            "warnings": _warnings(criteria),
        },
    )


@login_required
def template_edit(request, pk: int):
    """Edit a draft version; published and retired versions only show read-only."""
    require(policies.can_edit_templates(request.user))
    template = _template(pk)
    if template.status != TemplateStatus.DRAFT:
        messages.info(request, _("Only a draft version can be edited; create a new version."))
        return redirect("dealers:template_detail", pk=template.pk)
    editor = TemplateEditor(
        template=template,
        criteria=services.template_drafts(template),
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and editor.is_valid():
        criteria = editor.drafts()
        try:
            services.template_draft_save(
                template_id=template.pk,
                notes=editor.form.cleaned_data["notes"],
                settings=editor.form.settings(),
                criteria=criteria,
                expected_updated_at=editor.form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            editor.show(exc)  # the editor keeps everything that was typed
        else:
            messages.success(request, _("Draft saved."))
            if "preview" in request.POST:
                return redirect("dealers:template_publish", pk=template.pk)
            return redirect("dealers:template_edit", pk=template.pk)
    return render(
        request,
        "dealers/template_edit.html",
        {"template": template, "editor": editor, "settings_groups": _settings_groups(editor.form)},
    )


@login_required
def template_publish(request, pk: int):
    """GET: the impact preview and a confirmation; POST: publish (queues the recompute)."""
    require(policies.can_edit_templates(request.user))
    template = _template(pk)
    if request.method == "POST":
        form = VersionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        try:
            services.template_publish(template_id=template.pk, expected_updated_at=version)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            if template.status == TemplateStatus.DRAFT:
                return redirect("dealers:template_publish", pk=template.pk)
        else:
            messages.success(request, _("Published; evaluations are being recomputed."))
        return redirect("dealers:template_list")
    if template.status != TemplateStatus.DRAFT:
        return redirect("dealers:template_detail", pk=template.pk)
    criteria = services.template_drafts(template)
    return render(
        request,
        "dealers/template_publish.html",
        {
            "template": template,
            "impact": impact.publish_impact(draft_id=template.pk),
            "problems": template_rules.publish_problems(criteria),
            "warnings": _warnings(criteria),
            "version_form": VersionForm(initial={"version": template.updated_at}),
        },
    )


@login_required
@require_POST
def template_copy(request, pk: int):
    require(policies.can_edit_templates(request.user))
    draft = services.template_new_draft(template_id=pk)
    messages.success(
        request, _("Draft version %(v)s: edit it, then publish.") % {"v": draft.version}
    )
    return redirect("dealers:template_edit", pk=draft.pk)


def _template(pk: int) -> ScorecardTemplate:
    get_object_or_404(ScorecardTemplate, pk=pk)
    return selectors.template_with_items(pk)


def _warnings(criteria) -> list[str]:
    return template_rules.gate_warnings(criteria)


SETTINGS_GROUPS = (
    (
        "gates",
        ("reputation_veto_below", "willingness_gate_below", "strength_gate_below"),
    ),
    ("bands", ("band_strong", "band_recommended", "band_conditional")),
    ("fit", ("fit_plateau_end", "fit_slope", "fit_floor", "oversized_warning_ratio")),
)


def _group_titles() -> dict[str, str]:
    return {
        "gates": _("Gates"),
        "bands": _("Decision bands (total score)"),
        "fit": _("Strength fit to need"),
    }


def _settings_groups(form) -> list[tuple[str, list]]:
    titles = _group_titles()
    return [(titles[key], [form[name] for name in names]) for key, names in SETTINGS_GROUPS]


def _settings_rows(template: ScorecardTemplate) -> list[tuple[str, list]]:
    titles = _group_titles()
    meta = ScorecardTemplate._meta
    return [
        (
            titles[key],
            [(meta.get_field(name).verbose_name, getattr(template, name)) for name in names],
        )
        for key, names in SETTINGS_GROUPS
    ]
