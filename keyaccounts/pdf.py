"""The printable portfolio matrix as a PDF (WeasyPrint), with the scatter drawn as SVG.

Rendering fetches nothing but the CJK font: every other URL is refused, so account data
can never pull in local files or remote resources.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from . import scoring

DEBIAN_CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
COLOURS = {"star": "#1d7a46", "question_mark": "#d48806", "cash_cow": "#1f4e9c", "dog": "#66788a"}
WIDTH, HEIGHT, MARGIN = 640, 420, 48


def font_path() -> str:
    return getattr(settings, "PDF_CJK_FONT_PATH", "") or DEBIAN_CJK_FONT


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


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    font_url = Path(font_path()).resolve().as_uri()

    class FontOnlyFetcher(URLFetcher):
        """Serves the CJK font from disk and refuses every other URL."""

        def fetch(self, url, headers=None):
            if url == font_url:
                return URLFetcherResponse(url, Path(font_path()).read_bytes())
            raise ValueError(f"Blocked URL in PDF rendering: {url[:80]}")

    return FontOnlyFetcher(timeout=5), font_url


def matrix_pdf_response(*, context: dict, request) -> HttpResponse:
    from weasyprint import HTML

    fetcher, font_url = _fetcher()
    template = context["template"]
    html = render_to_string(
        "keyaccounts/matrix_pdf.html",
        {
            **context,
            "font_url": font_url,
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
    pdf = HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ka-matrix-{context["year"]}.pdf"'
    return response
