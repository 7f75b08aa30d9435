"""The service's check runs in a child process with hard limits: past them a file is too complex."""

from pathlib import Path

import pytest

from apps.core.errors import ApplicationError
from apps.evidence import services
from apps.evidence.checks import (
    DOCX_MIME,
    PDF_MIME,
    VERIFIABLE_MIME_TYPES,
    CheckLimits,
    EvidenceRefused,
    Refusal,
    evidence_sniff_bounded,
    sniff_in_child,
)
from apps.policy.models import PolicySettings
from tests.evidence import files, hostile_pdf
from tests.evidence.uploads import upload

pytestmark = pytest.mark.slow  # each check starts an interpreter

LIMITS = CheckLimits()
MB = files.MB


def written(tmp_path: Path, content: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_plain_file_is_proved_in_the_child_as_in_process(tmp_path):
    pdf = evidence_sniff_bounded(
        written(tmp_path, files.pdf_bytes(pages=3)), allowed_mime_types=VERIFIABLE_MIME_TYPES, limits=LIMITS
    )
    assert (pdf.mime_type, pdf.pages) == (PDF_MIME, 3)
    docx = evidence_sniff_bounded(
        written(tmp_path, files.docx_with_png()), allowed_mime_types=VERIFIABLE_MIME_TYPES, limits=LIMITS
    )
    assert docx.mime_type == DOCX_MIME and "word/media/image1.png" in docx.parts


def test_a_refusal_in_the_child_comes_back_with_its_code_and_detail(tmp_path):
    with pytest.raises(EvidenceRefused) as caught:
        evidence_sniff_bounded(
            written(tmp_path, hostile_pdf.link_javascript()), allowed_mime_types=VERIFIABLE_MIME_TYPES,
            limits=LIMITS,
        )
    assert (caught.value.code, caught.value.detail) == (Refusal.PDF_JAVASCRIPT, "action /JavaScript")


def test_the_child_reports_its_peak_memory(tmp_path):
    path = written(tmp_path, files.pdf_bytes())
    verdict = sniff_in_child(path, allowed_mime_types={PDF_MIME}, limits=LIMITS)
    assert verdict.sniffed is not None and verdict.refused is None
    # its own memory, not the test runner's it was started from
    assert 10 * MB < verdict.peak_rss_bytes < 100 * MB


def test_a_check_past_its_time_is_killed_and_the_file_is_too_complex(tmp_path):
    verdict = sniff_in_child(
        written(tmp_path, files.pdf_bytes()), allowed_mime_types={PDF_MIME}, limits=CheckLimits(seconds=0.05)
    )
    assert verdict.refused is not None and verdict.refused.code == Refusal.TOO_COMPLEX
    assert verdict.seconds < 2


def test_a_check_past_its_memory_is_stopped_and_the_file_is_too_complex(tmp_path):
    # 100,000 pages allowed, but 160 MB is not enough to walk their 200,000 objects.
    limits = CheckLimits(max_pdf_pages=10**6, max_pdf_objects=10**7, memory_bytes=160 * MB, seconds=20)
    verdict = sniff_in_child(
        written(tmp_path, files.pdf_of_pages(100_000)), allowed_mime_types={PDF_MIME}, limits=limits
    )
    assert verdict.refused is not None and verdict.refused.code == Refusal.TOO_COMPLEX, verdict


def test_the_policys_page_limit_reaches_the_check(draft, english):
    PolicySettings.objects.update(max_pdf_pages=2)
    with pytest.raises(ApplicationError) as caught:
        upload(draft, files.pdf_bytes(pages=3), "三页.pdf")
    assert caught.value.extra == {"code": "pdf_too_many_pages", "field": "file"}
    assert caught.value.message.startswith("This PDF has more than 2 pages")
    assert upload(draft, files.pdf_bytes(pages=2), "两页.pdf").detected_type == PDF_MIME


def test_an_upload_too_complex_to_check_in_time_is_refused_with_advice(draft, english, monkeypatch):
    monkeypatch.setattr(services, "check_limits", lambda policy: CheckLimits(seconds=0.05))
    with pytest.raises(ApplicationError) as caught:
        upload(draft, files.pdf_bytes(), "a.pdf")
    assert caught.value.extra == {"code": "too_complex", "field": "file"}
    assert caught.value.message.startswith("This file is too complex to check in the time allowed. Split it")


def test_the_policy_defaults_bound_the_check(db):
    limits = services.check_limits(PolicySettings.objects.get())
    assert limits == CheckLimits(
        max_pdf_pages=500, max_pdf_objects=100_000, seconds=5.0, memory_bytes=512 * MB
    )
