"""The one PDF renderer: only the CJK font is fetched, and renders have a time limit."""

import pytest

from dealerhub.core import pdf


def test_the_fetcher_serves_the_font_and_refuses_everything_else():
    fetcher = pdf.fetcher()

    with pytest.raises(ValueError, match="Blocked"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="Blocked"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    assert fetcher.fetch(pdf.font_url()).url == pdf.font_url()


def test_a_document_cannot_embed_a_local_file():
    html = '<p>x</p><img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/hosts">'

    document = pdf.render(html)

    assert document.startswith(b"%PDF")
    assert b"root:" not in document


# The alarm may land in a finaliser, where Python only reports it as unraisable; the
# limit remembers the expiry and raises it when the render returns (pdf.time_limit).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_render_past_its_time_limit_is_stopped():
    rows = "".join(f"<tr><td>{i}</td><td>行{i}</td></tr>" for i in range(20000))

    with pytest.raises(pdf.RenderTimeout):
        pdf.render(f"<table>{rows}</table>", seconds=0.2)
