"""The PDF evaluation sheet: Chinese text with an embedded CJK font, versions, staleness."""

import io
import time

import pytest
from django.utils import translation
from pypdf import PdfReader

from dealers import services, sheets
from dealers.choices import Decision
from dealers.models import EvaluationSheet

from .conftest import all_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def embedded_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and any(
                    key in descriptor.get_object()
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(font["/BaseFont"]))
                    names.add(str(descriptor.get_object().get("/FontFamily", "")))
    return names


def submit(candidate, user, level=4, **kwargs):
    return services.evaluation_save(
        candidate_id=candidate.pk, user=user, ratings=all_ratings(level), submit=True, **kwargs
    )


def test_sheet_has_chinese_name_decision_and_embedded_cjk_font(manager, sz_candidate):
    submit(sz_candidate, manager)
    data = sheets.render_pdf(sz_candidate, "zh-hans")
    text = pdf_text(data)
    with translation.override("zh-hans"):
        decision = str(Decision.STRONGLY_RECOMMENDED.label)
    assert "深圳鹏程商贸" in text
    assert decision in text
    assert "合作意愿" in text
    # The @font-face family backed by the configured Noto CJK file is embedded (subset).
    assert any("CJK" in name for name in embedded_fonts(data))
    assert data.startswith(b"%PDF")


def test_english_sheet_on_request(manager, sz_candidate):
    submit(sz_candidate, manager)
    text = pdf_text(sheets.render_pdf(sz_candidate, "en"))
    assert "Willingness to cooperate" in text
    assert "深圳鹏程商贸" in text


def test_render_stores_version_and_skips_when_current(manager, sz_candidate):
    submit(sz_candidate, manager)
    sheet, current = sheets.sheet_for(candidate=sz_candidate, language="zh-hans")
    assert (sheet.status, current) == ("pending", False)
    assert sheets.render_sheet(sheet_id=sheet.pk) is True
    assert sheets.render_sheet(sheet_id=sheet.pk) is False
    sheet.refresh_from_db()
    assert (sheet.status, sheet.version) == ("ready", 1)
    assert sheet.size == len(sheet.file.read())
    assert sheets.sheet_for(candidate=sz_candidate, language="zh-hans")[1] is True


def test_new_scores_mark_sheet_stale_and_rerender(manager, sz_candidate):
    submit(sz_candidate, manager, level=4)
    sheet, _current = sheets.sheet_for(candidate=sz_candidate, language="zh-hans")
    sheets.render_sheet(sheet_id=sheet.pk)
    submit(sz_candidate, manager, level=2)
    sheet.refresh_from_db()
    assert sheet.status == "stale"
    assert sheets.render_sheet(sheet_id=sheet.pk) is True
    sheet.refresh_from_db()
    assert (sheet.status, sheet.version) == ("ready", 2)
    assert "insufficient" not in pdf_text(sheet.file.read())  # labels, not codes


def test_sheet_pages_scoped(client, rep, cs_candidate):
    client.force_login(rep)
    assert client.get(f"/dealers/{cs_candidate.pk}/sheet/").status_code == 404
    assert not EvaluationSheet.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_api_sheet_202_then_200_through_worker(
    celery_worker_thread, token_client, manager, sz_candidate
):
    submit(sz_candidate, manager)
    client = token_client(manager)
    first = client.get("/api/v1/dealer-candidates/SZ-001/evaluation-sheet")
    assert first.status_code == 202
    assert first.json()["status"] in ("pending", "stale")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = client.get("/api/v1/dealer-candidates/SZ-001/evaluation-sheet")
        if response.status_code == 200:
            break
        time.sleep(0.3)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "深圳鹏程商贸" in pdf_text(b"".join(response.streaming_content))
