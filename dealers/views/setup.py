"""HQ set-up: recompute jobs, the objection playbook and the pipeline rules' settings
(templates: ``templates.py``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dealerhub.core.forms import apply_errors
from dealerhub.core.policies import require

from .. import policies, selectors, services
from ..forms import ObjectionForm, PipelineSettingsForm
from ..models import ObjectionAnswer
from .base import safe_next


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
