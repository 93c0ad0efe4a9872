"""HQ set-up: KA scoring templates and their recompute jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealerhub.core.policies import require

from .. import policies, services
from ..forms import (
    CriterionFormSet,
    TemplateForm,
)
from ..models import (
    RecomputeJob,
    ScorecardTemplate,
)


@login_required
def template_list(request):
    require(policies.can_edit_templates(request.user))
    templates = ScorecardTemplate.objects.prefetch_related("criteria")
    jobs = RecomputeJob.objects.select_related("template")[:10]
    return render(request, "keyaccounts/template_list.html", {"templates": templates, "jobs": jobs})


@login_required
def template_create(request):
    """A new template version, prefilled from the current default; weights must sum to 100."""
    require(policies.can_edit_templates(request.user))
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
    require(policies.can_edit_templates(request.user))
    template = get_object_or_404(ScorecardTemplate, pk=pk)
    job = services.template_make_default(template_id=template.pk, user=request.user)
    messages.success(request, _("Recompute queued."))
    return redirect("keyaccounts:job_detail", pk=job.pk)


@login_required
def job_detail(request, pk: int):
    """A recompute job's progress; htmx polls the partial until it is done."""
    require(policies.can_edit_templates(request.user))
    job = get_object_or_404(RecomputeJob.objects.select_related("template"), pk=pk)
    template = "keyaccounts/job_detail.html"
    if getattr(request, "htmx", False):
        template = "keyaccounts/partials/_job_progress.html"
    return render(request, template, {"job": job})
