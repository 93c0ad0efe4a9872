"""The A4 evaluation sheet (PDF): HTML template rendered by WeasyPrint in a Celery task.

Rendering fetches nothing but the configured CJK font: every other URL (file://, http…)
is refused by the fetcher, so a candidate's data can never pull in local files.
"""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dealerhub.core import jobs, pdf

from . import scoring, selectors
from .choices import DEALER_TYPE_GUIDANCE, SheetStatus
from .models import Candidate, EvaluationSheet

LANGUAGES = ("zh-hans", "en")
OTHERS_SHOWN = 10


def sheet_context(candidate: Candidate, language: str) -> dict:
    evaluation = selectors.latest_evaluation(candidate)
    context = {
        "candidate": candidate,
        "market": candidate.market,
        "evaluation": evaluation,
        "english": language == "en",
        "company": getattr(settings, "COMPANY_NAME", "DealerHub"),
    }
    if evaluation is None:
        return context
    template = selectors.template_with_items(evaluation.template_id)
    need, key_city = selectors.requirement_for(candidate.market)
    result = scoring.evaluate(
        template=selectors.template_spec(template),
        ratings=evaluation.ratings,
        red_flags=[*evaluation.red_flags, *candidate.confirmed_red_flags],
        capacity=selectors.capacity_of(candidate),
        requirement=need,
        key_city=key_city,
    )
    english = language == "en"
    subitem_names = {
        item.code: (item.name_en or item.name) if english else item.name
        for criterion in template.criteria.all()
        for item in criterion.subitems.all()
    }
    criteria = []
    for criterion in template.criteria.all():
        items = []
        for item in criterion.subitems.all():
            items.append(
                {
                    "item": item,
                    "level": evaluation.ratings.get(item.code),
                    "points": result.subitem_points.get(item.code),
                    "note": evaluation.notes.get(item.code, ""),
                    "fitted": any(
                        row.subitem == item.code and row.points is not None
                        for row in result.fit_rows
                    ),
                }
            )
        criteria.append(
            {"criterion": criterion, "items": items, "score": result.criteria.get(criterion.code)}
        )
    others = _others(candidate)
    context.update(
        template=template,
        result=result,
        criteria=criteria,
        gates=_gates(result, subitem_names=subitem_names),
        subitem_names=subitem_names,
        bands=result.thresholds,
        guidance=DEALER_TYPE_GUIDANCE.get(result.dealer_type, ""),
        others=others,
        key_city=key_city,
    )
    return context


def _others(candidate: Candidate):
    from .models import Evaluation

    latest: dict[int, Evaluation] = {}
    for evaluation in (
        Evaluation.objects.filter(candidate__market=candidate.market, submitted=True)
        .select_related("candidate")
        .order_by("candidate_id", "-created_at", "-id")
    ):
        latest.setdefault(evaluation.candidate_id, evaluation)
    ranked = sorted(latest.values(), key=lambda e: -(e.total or 0))
    # The best ten and this candidate: a sheet stays one or two pages in a crowded market.
    top = ranked[:OTHERS_SHOWN]
    own = [e for e in ranked[OTHERS_SHOWN:] if e.candidate_id == candidate.pk]
    return top + own


def _gates(result: scoring.Result, *, subitem_names: dict[str, str] | None = None) -> list[dict]:
    """The three gates with the template version's thresholds; a failed strength gate says
    which side of the need it fell on (``failure``: insufficient or oversized)."""
    c = result.criteria
    t = result.thresholds
    strength_failure = next(
        (
            reason["code"]
            for reason in result.reasons
            if reason.get("gate") == scoring.GATE_STRENGTH
        ),
        None,
    )
    return [
        {
            "number": 1,
            "code": "reputation",
            "threshold": t.reputation_veto_below,
            "value": c.get(scoring.REPUTATION),
            "flags": result.red_flags,
            "rating_flags": [
                (subitem_names or {}).get(code, code) for code in result.rating_red_flags
            ],
            "passed": not result.red_flags
            and not result.rating_red_flags
            and not (
                c.get(scoring.REPUTATION) is not None
                and c[scoring.REPUTATION] < t.reputation_veto_below
            ),
        },
        {
            "number": 2,
            "code": "willingness",
            "threshold": t.willingness_gate_below,
            "value": c.get(scoring.WILLINGNESS),
            "passed": c.get(scoring.WILLINGNESS) is not None
            and c[scoring.WILLINGNESS] >= t.willingness_gate_below,
        },
        {
            "number": 3,
            "code": "strength",
            "threshold": t.strength_gate_below,
            "value": c.get(scoring.STRENGTH),
            "passed": c.get(scoring.STRENGTH) is not None
            and c[scoring.STRENGTH] >= t.strength_gate_below,
            "failure": strength_failure,
        },
    ]


def render_pdf(candidate: Candidate, language: str) -> bytes:
    """The sheet as PDF bytes (Chinese by default, English on request)."""
    with translation.override(language):
        html = render_to_string(
            "dealers/pdf/sheet.html",
            {**sheet_context(candidate, language), "font_url": pdf.font_url()},
        )
    return pdf.render(html, stylesheets=("dealers/pdf/sheet.css",))


# The render task's hard time limit. A sheet claimed longer ago than RENDER_LEASE lost
# its worker; one waiting (pending/stale) longer than RENDER_REQUEUE_AFTER lost its
# message (a render takes about a second and 200 sheets clear 2 workers in a minute).
# Either is queued again, by the next request for it or by the sweep; after
# RENDER_MAX_CLAIMS claims that never finished the sheet is marked failed.
RENDER_TIME_LIMIT = 150
RENDER_LEASE = RENDER_TIME_LIMIT + 30
RENDER_REQUEUE_AFTER = 120
RENDER_MAX_CLAIMS = 3
WAITING = (SheetStatus.PENDING, SheetStatus.STALE)


def _in_flight(sheet: EvaluationSheet, now) -> bool:
    """A render is queued or running and has not outlived its allowance."""
    if sheet.status in WAITING:
        return sheet.updated_at >= jobs.older_than(now, RENDER_REQUEUE_AFTER)
    if sheet.status == SheetStatus.RENDERING:
        return sheet.claimed_at is not None and sheet.claimed_at >= jobs.older_than(
            now, RENDER_LEASE
        )
    return False


def sheet_for(*, candidate: Candidate, language: str) -> tuple[EvaluationSheet, bool]:
    """The candidate's sheet in a language; queues a render if missing or stale.

    Returns (sheet, current) where current means the stored file matches today's scores.
    A render already queued or running is not queued again, unless it has outlived its
    allowance (its message was lost or its worker died): then this request re-queues it.
    """
    from .services import queue_sheet_renders

    language = language if language in LANGUAGES else "zh-hans"
    fingerprint = selectors.sheet_fingerprint(candidate, language)
    now = timezone.now()
    with transaction.atomic():
        sheet, created = EvaluationSheet.objects.select_for_update().get_or_create(
            candidate=candidate, language=language
        )
        current = sheet.status == SheetStatus.READY and sheet.fingerprint == fingerprint
        if not current and (created or not _in_flight(sheet, now)):
            sheet.status = SheetStatus.STALE if sheet.file else SheetStatus.PENDING
            sheet.claimed_by, sheet.attempts = "", 0
            sheet.save(update_fields=["status", "claimed_by", "attempts", "updated_at"])
            queue_sheet_renders([sheet.pk])
    return sheet, current


def render_sheet(*, sheet_id: int, token: str | None = None) -> bool:
    """Render one waiting sheet; True when a new version was stored.

    The sheet is claimed first (pending/stale → rendering), so a sheet that is current,
    failed or being rendered by another run is skipped: a duplicate, re-sent or
    redelivered message never renders it twice. The same token may claim it again
    (Celery redelivered this message: the run that held it is gone). The result is
    stored only while the claim is still this run's.
    """
    token = token or jobs.new_token()
    if not jobs.claim(
        EvaluationSheet.objects,
        pk=sheet_id,
        ready=WAITING,
        running=SheetStatus.RENDERING,
        token=token,
        reclaim_own=True,
    ):
        return False
    mine = EvaluationSheet.objects.filter(
        pk=sheet_id, status=SheetStatus.RENDERING, claimed_by=token
    )
    sheet = EvaluationSheet.objects.select_related("candidate__market__territory").get(pk=sheet_id)
    candidate = sheet.candidate
    fingerprint = selectors.sheet_fingerprint(candidate, sheet.language)
    started = time.perf_counter()
    try:
        pdf = render_pdf(candidate, sheet.language)
    except jobs.TRANSIENT_ERRORS:
        # Hand the sheet back to the queue; the task's retry (or the sweep) claims it.
        with contextlib.suppress(*jobs.TRANSIENT_ERRORS):
            mine.update(
                status=SheetStatus.STALE if sheet.file else SheetStatus.PENDING,
                updated_at=timezone.now(),
            )
        raise
    except Exception as exc:  # record the failure on the sheet for the UI, then re-raise
        mine.update(status=SheetStatus.FAILED, error=repr(exc)[:2000], updated_at=timezone.now())
        raise
    elapsed = time.perf_counter() - started
    old_name = sheet.file.name if sheet.file else ""
    version = sheet.version + 1
    storage = sheet.file.storage
    name = storage.save(
        f"dealers/sheets/{candidate.external_code}-{sheet.language}-v{version}.pdf",
        ContentFile(pdf),
    )
    stored = mine.filter(version=sheet.version).update(
        version=version,
        file=name,
        fingerprint=fingerprint,
        status=SheetStatus.READY,
        size=len(pdf),
        render_seconds=elapsed,
        error="",
        attempts=0,
        rendered_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not stored:  # the sweep handed the sheet to another run meanwhile
        storage.delete(name)
        return False
    if old_name and old_name != name:
        storage.delete(old_name)
    return True


def sweep_sheets(*, now) -> int:
    """Re-send renders stuck waiting (message lost) or rendering (worker lost)."""
    from .services import queue_sheet_renders

    dead = Q(status=SheetStatus.RENDERING, claimed_at__lt=jobs.older_than(now, RENDER_LEASE))
    with transaction.atomic():
        EvaluationSheet.objects.filter(dead, attempts__gte=RENDER_MAX_CLAIMS).update(
            status=SheetStatus.FAILED,
            error=f"Gave up: the render did not finish in {RENDER_MAX_CLAIMS} attempts.",
            claimed_by="",
            updated_at=now,
        )
        dead_sheets = EvaluationSheet.objects.filter(dead)
        ids = [
            *jobs.take(dead_sheets.filter(file=""), status=SheetStatus.PENDING, updated_at=now),
            *jobs.take(dead_sheets.exclude(file=""), status=SheetStatus.STALE, updated_at=now),
            *jobs.take(
                EvaluationSheet.objects.filter(
                    status__in=WAITING,
                    updated_at__lt=jobs.older_than(now, RENDER_REQUEUE_AFTER),
                ),
                updated_at=now,
            ),
        ]
        queue_sheet_renders(ids)
    return len(ids)
