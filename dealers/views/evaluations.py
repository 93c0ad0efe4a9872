"""The scorecard (autosaved drafts, submission) and the PDF evaluation sheet."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import scoring, selectors, services, sheets
from ..choices import RedFlag
from ..models import Candidate
from .base import scoped_candidate


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
    for name in Candidate.CAPACITY_FIELDS:
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


def _posted_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdecimal() else None


@login_required
def evaluation_form(request, pk: int):
    """The scorecard on a phone: one collapsible section per criterion, big 1–5 buttons."""
    candidate = scoped_candidate(request, pk)
    draft = selectors.draft_evaluation(candidate, evaluator=request.user)
    template = selectors.template_with_items(
        draft.template_id if draft else selectors.published_template().pk
    )
    spec = selectors.template_spec(template)
    errors: list[str] = []
    if request.method == "POST":
        submit = "submit" in request.POST
        try:
            ratings, notes, flags, capacity = _parse_evaluation_post(request.POST, spec)
            evaluation = services.evaluation_save(
                candidate_id=candidate.pk,
                user=request.user,
                ratings=ratings,
                notes=notes,
                red_flags=flags,
                capacity=capacity,
                submit=submit,
                # The draft this page continues (set by the first autosave). Without one
                # the service finds the user's draft itself, under the candidate's lock.
                evaluation_id=_posted_id(request.POST.get("evaluation")),
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
                    {"evaluation": evaluation, "result": evaluation.result},
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


@login_required
def sheet_download(request, pk: int):
    """The current PDF, or a status page that polls until the re-render is done."""
    candidate = scoped_candidate(request, pk)
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
