"""HQ set-up: scorecard templates, recompute jobs, the objection playbook and the
pipeline rules' settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealerhub.core.forms import apply_errors
from dealerhub.core.policies import require

from .. import policies, selectors, services
from ..forms import ObjectionForm, PipelineSettingsForm
from ..models import ObjectionAnswer, ScorecardTemplate
from .base import safe_next


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
@require_POST
def template_publish(request, pk: int):
    require(policies.can_edit_templates(request.user))
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
    require(policies.can_edit_templates(request.user))
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
    require(policies.can_edit_playbook(request.user))
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
            apply_errors(form, exc)
        else:
            messages.success(request, _("Playbook saved."))
            return redirect(safe_next(request, request.GET.get("next")))
    return render(request, "dealers/objection_form.html", {"form": form, "item": item})


@login_required
def pipeline_settings_edit(request):
    """Survey threshold, qualification window and exclusivity wordings: HQ only."""
    require(policies.can_edit_pipeline_settings(request.user))
    form = PipelineSettingsForm(request.POST or None, instance=selectors.pipeline_settings())
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version", None)
        try:
            services.pipeline_settings_save(values=values, expected_updated_at=version)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Pipeline rules saved."))
            return redirect("dealers:pipeline_settings")
    return render(request, "dealers/pipeline_settings.html", {"form": form})
