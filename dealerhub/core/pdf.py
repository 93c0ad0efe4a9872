"""PDF rendering for every app (WeasyPrint): one CJK font, one fetcher, one time limit.

Rendering fetches nothing but the configured CJK font: every other URL (file://,
http…) is refused, so record data can never pull in local files or remote resources.
The font configuration and parsed stylesheets are built once per process (WeasyPrint
then loads the font once), and a render that runs past its time limit is stopped.
"""

from __future__ import annotations

import atexit
import shutil
import signal
import subprocess
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

DEBIAN_CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_TIME_LIMIT = 60  # seconds; a sheet takes about half a second


class RenderTimeout(Exception):
    """A PDF took longer than its time limit to render."""


@cache
def cjk_font_path() -> str:
    """settings.PDF_CJK_FONT_PATH, else what fontconfig finds, else Debian's Noto CJK."""
    configured = getattr(settings, "PDF_CJK_FONT_PATH", "")
    if configured:
        return configured
    if shutil.which("fc-match"):
        found = subprocess.run(  # noqa: S603 - fixed arguments, no user input
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
        if found and Path(found).exists():
            return found
    return DEBIAN_CJK_FONT


def font_url() -> str:
    return Path(cjk_font_path()).resolve().as_uri()


@cache
def _font_bytes() -> bytes:
    return Path(cjk_font_path()).read_bytes()


_STYLESHEETS: dict = {}


@cache
def font_config():
    """One font configuration per process."""
    from weasyprint.text.fonts import FontConfiguration

    # Drop it before interpreter shutdown, while its temporary folder can still be removed.
    atexit.register(_STYLESHEETS.clear)
    atexit.register(font_config.cache_clear)
    return FontConfiguration()


def fetcher():
    """A URL fetcher that serves the CJK font from disk and refuses every other URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = font_url()

    class FontOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url == allowed:
                return URLFetcherResponse(url, _font_bytes())
            raise ValueError(f"Blocked URL in PDF rendering: {url[:80]}")

    return FontOnlyFetcher(timeout=5)


def stylesheet(template_name: str):
    """A CSS template (given ``font_url``) parsed once per process."""
    from weasyprint import CSS

    key = (template_name, font_url())
    if key not in _STYLESHEETS:
        _STYLESHEETS[key] = CSS(
            string=render_to_string(template_name, {"font_url": font_url()}),
            url_fetcher=fetcher(),
            base_url="about:blank",
            font_config=font_config(),
        )
    return _STYLESHEETS[key]


@contextmanager
def time_limit(seconds: float):
    """Stop the render with :class:`RenderTimeout` after ``seconds`` (main thread only:
    Celery's prefork children and gunicorn's sync workers; elsewhere the job's own
    limit applies).

    The alarm raises inside the render; if that exception is swallowed (it can land in
    a finaliser, where Python only prints it), the expiry is remembered and raised
    when the render returns, so an overrun never passes as a success."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    expired = threading.Event()

    def expire(signum, frame):
        expired.set()
        raise RenderTimeout(f"PDF rendering took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired.is_set():
        raise RenderTimeout(f"PDF rendering took longer than {seconds} s")


def render(html: str, *, stylesheets: tuple[str, ...] = (), seconds: float | None = None) -> bytes:
    """PDF bytes of an HTML document rendered with the shared font, fetcher and limit.
    The HTML may refer to the font by :func:`font_url` in its own styles."""
    from weasyprint import HTML

    # django-stubs types getattr(settings, …) from its context (float | None here), not the default.
    with time_limit(seconds or getattr(settings, "PDF_TIME_LIMIT", DEFAULT_TIME_LIMIT)):  # type: ignore[arg-type]
        document = HTML(string=html, url_fetcher=fetcher(), base_url="about:blank")
        return document.write_pdf(
            font_config=font_config(),
            stylesheets=[stylesheet(name) for name in stylesheets],
        )
