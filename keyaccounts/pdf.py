"""The printable portfolio matrix as a PDF (WeasyPrint), with the scatter drawn as SVG.

Rendering fetches nothing but the CJK font: every other URL is refused, so account data
can never pull in local files or remote resources.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

from dealerhub.core import pdf

from . import scoring

COLOURS = {"star": "#1d7a46", "question_mark": "#d48806", "cash_cow": "#1f4e9c", "dog": "#66788a"}
WIDTH, HEIGHT, MARGIN = 640, 420, 48


def _xy(supportiveness, attractiveness) -> tuple[float, float]:
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    return (
        round(MARGIN + float(supportiveness) / 100 * plot_w, 1),
        round(MARGIN + (1 - float(attractiveness) / 100) * plot_h, 1),
    )


def scatter(points, *, threshold_attractiveness, threshold_supportiveness) -> dict:
    """Pixel positions for the SVG: each account numbered as in the table below it."""
    tx, _ = _xy(threshold_supportiveness, 0)
    _, ty = _xy(0, threshold_attractiveness)
    dots = []
    for number, point in enumerate(points, start=1):
        cx, cy = _xy(point.supportiveness, point.attractiveness)
        previous = None
        if point.previous_attractiveness is not None:
            previous = _xy(point.previous_supportiveness, point.previous_attractiveness)
        dots.append(
            {
                "number": number,
                "cx": cx,
                "cy": cy,
                "colour": COLOURS[point.quadrant],
                "previous": previous,
            }
        )
    ticks = [{"value": v, "x": _xy(v, 0)[0], "y": _xy(0, v)[1]} for v in range(0, 101, 20)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": MARGIN,
        "top": MARGIN,
        "right": WIDTH - MARGIN,
        "bottom": HEIGHT - MARGIN,
        "tx": tx,
        "ty": ty,
        "dots": dots,
        "ticks": ticks,
        "quadrant_labels": scoring.QUADRANTS,
    }


def matrix_pdf_response(*, context: dict, request) -> HttpResponse:
    template = context["template"]
    html = render_to_string(
        "keyaccounts/matrix_pdf.html",
        {
            **context,
            "font_url": pdf.font_url(),
            "svg": scatter(
                context["points"],
                threshold_attractiveness=(
                    template.threshold_attractiveness if template else scoring.DEFAULT_THRESHOLD
                ),
                threshold_supportiveness=(
                    template.threshold_supportiveness if template else scoring.DEFAULT_THRESHOLD
                ),
            ),
        },
        request=request,
    )
    response = HttpResponse(pdf.render(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ka-matrix-{context["year"]}.pdf"'
    return response
