"""A PDF is walked object by object: active or external content is refused wherever it sits.

Pure: the hostile corpus is built in code (tests/evidence/hostile_pdf.py); no database.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from apps.evidence.checks import (
    PDF_MIME,
    VERIFIABLE_MIME_TYPES,
    CheckLimits,
    EvidenceRefused,
    Refusal,
    evidence_sniff,
)
from apps.evidence.refusals import refusal_message
from tests.evidence import files
from tests.evidence import hostile_pdf as hostile

DEFAULT_LIMITS = CheckLimits()


def check(tmp_path: Path, content: bytes, limits: CheckLimits = DEFAULT_LIMITS):
    path = tmp_path / "evidence.pdf"
    path.write_bytes(content)
    return evidence_sniff(path, allowed_mime_types=VERIFIABLE_MIME_TYPES, limits=limits)


def refused(tmp_path: Path, content: bytes, limits: CheckLimits = DEFAULT_LIMITS) -> EvidenceRefused:
    with pytest.raises(EvidenceRefused) as caught:
        check(tmp_path, content, limits)
    return caught.value


def message(refusal: EvidenceRefused, language: str = "en") -> str:
    with translation.override(language):
        return refusal_message(refusal, formats=[], max_bytes=20 * files.MB, max_pages=500)


HOSTILE: list[tuple[str, Callable[[], bytes], Refusal, str]] = [
    ("page-aa-javascript", hostile.page_open_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("link-javascript", hostile.link_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("open-action-next-javascript", hostile.open_action_next_javascript, Refusal.PDF_JAVASCRIPT,
     "contains JavaScript"),
    ("field-action-javascript", hostile.form_field_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("field-aa-javascript", lambda: hostile.form_field_javascript(additional=True), Refusal.PDF_JAVASCRIPT,
     "contains JavaScript"),
    ("name-tree-javascript", hostile.named_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("orphan-javascript", hostile.orphan_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("object-stream-javascript", hostile.compressed_object_javascript, Refusal.PDF_JAVASCRIPT,
     "contains JavaScript"),
    ("hex-escaped-javascript", hostile.hex_escaped_javascript, Refusal.PDF_JAVASCRIPT, "contains JavaScript"),
    ("launch", hostile.launch, Refusal.PDF_LAUNCH, "tries to start a program"),
    ("submit-form", hostile.submit_form, Refusal.PDF_FORM_SUBMIT, "sends or loads data over the internet"),
    ("import-data", hostile.import_data, Refusal.PDF_FORM_SUBMIT, "sends or loads data over the internet"),
    ("goto-e", hostile.goto_embedded, Refusal.PDF_EXTERNAL_LINK, "open other files or programs"),
    ("goto-r", hostile.goto_remote, Refusal.PDF_EXTERNAL_LINK, "open other files or programs"),
    ("uri-javascript", lambda: hostile.uri("javascript:app.alert(1)"), Refusal.PDF_EXTERNAL_LINK,
     "open other files or programs"),
    ("uri-file", lambda: hostile.uri("file:///C:/Windows/System32/calc.exe"), Refusal.PDF_EXTERNAL_LINK,
     "open other files or programs"),
    ("unknown-action", hostile.unknown_action, Refusal.PDF_ACTIVE_CONTENT, "runs actions of its own"),
    ("rich-media", hostile.rich_media, Refusal.PDF_MEDIA, "embedded media"),
    ("xfa", hostile.xfa_form, Refusal.PDF_XFA, "dynamic (XFA) form"),
    ("embedded-program", hostile.attached_program, Refusal.PDF_ATTACHMENT, "has files attached to it"),
    ("attachment-annotation", hostile.file_attachment_annotation, Refusal.PDF_ATTACHMENT,
     "has files attached to it"),
    ("encrypted", files.encrypted_pdf, Refusal.PDF_ENCRYPTED, "protected by a password"),
    ("encrypted-empty-password", lambda: files.encrypted_pdf(user_password=""), Refusal.PDF_ENCRYPTED,
     "protected by a password"),
    ("zip-tail", hostile.zip_tail, Refusal.PDF_TRAILING_DATA, "other data hidden before or after"),
    ("zip-tail-ending-in-eof", hostile.zip_tail_hidden_by_eof, Refusal.PDF_TRAILING_DATA,
     "other data hidden before or after"),
    ("html-tail", hostile.html_tail, Refusal.PDF_TRAILING_DATA, "other data hidden before or after"),
    ("html-head", hostile.html_head, Refusal.PDF_TRAILING_DATA, "other data hidden before or after"),
    ("truncated", files.truncated_pdf, Refusal.PDF_BROKEN, "cannot be read"),
    ("header-only", files.pdf_header_garbage, Refusal.PDF_BROKEN, "cannot be read"),
]


@pytest.mark.parametrize(
    ("make", "code", "says"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE]
)
def test_a_hostile_pdf_is_refused_with_what_was_found_and_how_to_fix_it(tmp_path, make, code, says):
    refusal = refused(tmp_path, make())
    assert refusal.code == code, refusal.detail
    english = message(refusal)
    assert says in english
    assert "upload" in english
    chinese = message(refusal, "zh-hans")
    assert chinese != english and "PDF" in chinese


def test_an_attachment_is_named_as_such_in_both_languages(tmp_path):
    refusal = refused(tmp_path, hostile.attached_program())
    assert message(refusal) == (
        "This PDF has files attached to it. Export the PDF again without attachments (in most PDF tools: "
        "Print → Save as PDF), and upload each attached document on its own."
    )
    assert message(refusal, "zh-hans").startswith("该 PDF 附带了其他文件")


@pytest.mark.parametrize(
    "make",
    [
        lambda: files.pdf_bytes(pages=12),
        hostile.with_uri_link_pages,
        lambda: hostile.uri("mailto:service@example.com"),
        hostile.padded_tail,
        hostile.incremental_update,
        hostile.tagged_with_destination,
        # qpdf's QDF form writes each stream's /Length as an indirect number, as many tools do.
        lambda: files.pdf_written(files.pdf_document(pages=3), qdf=True),
    ],
    ids=[
        "multi-page", "web-hyperlink", "mailto", "padded-after-eof", "incremental-update", "tagged",
        "indirect-lengths",
    ],
)
def test_a_plain_pdf_is_accepted_with_its_page_count(tmp_path, make):
    found = check(tmp_path, make())
    assert found.mime_type == PDF_MIME
    assert found.pages >= 1


def test_the_page_count_is_the_documents(tmp_path):
    assert check(tmp_path, hostile.with_uri_link_pages(7)).pages == 7


def test_the_page_limit_is_inclusive(tmp_path):
    limits = CheckLimits(max_pdf_pages=5)
    assert check(tmp_path, files.pdf_bytes(pages=5), limits).pages == 5
    refusal = refused(tmp_path, files.pdf_bytes(pages=6), limits)
    assert refusal.code == Refusal.PDF_TOO_MANY_PAGES
    with translation.override("en"):
        text = refusal_message(refusal, formats=[], max_bytes=files.MB, max_pages=5)
    assert text.startswith("This PDF has more than 5 pages, the most one file may have. Split it")


def test_many_pages_are_refused_from_the_page_tree_count_before_pages_are_loaded(tmp_path):
    refusal = refused(tmp_path, files.pdf_of_pages(20_000))
    assert (refusal.code, refusal.detail) == (Refusal.PDF_TOO_MANY_PAGES, "20000 pages declared")


def test_a_page_tree_that_understates_its_count_is_still_counted(tmp_path):
    lying = files.pdf_of_pages(8).replace(b"/Count 8/", b"/Count 1/")
    refusal = refused(tmp_path, lying, CheckLimits(max_pdf_pages=5))
    assert (refusal.code, refusal.detail) == (Refusal.PDF_TOO_MANY_PAGES, "8 pages")


def test_too_many_objects_are_refused(tmp_path):
    limits = CheckLimits(max_pdf_objects=100)
    assert check(tmp_path, files.pdf_of_pages(40), limits).pages == 40  # 81 objects
    assert refused(tmp_path, files.pdf_of_pages(60), limits).code == Refusal.PDF_TOO_MANY_OBJECTS
    assert "too many parts" in message(refused(tmp_path, files.pdf_of_pages(60), limits))


def test_a_trailer_that_understates_its_objects_is_still_counted(tmp_path):
    lying = files.pdf_of_pages(60).replace(b"/Size 121/", b"/Size 3/")
    assert refused(tmp_path, lying, CheckLimits(max_pdf_objects=100)).code == Refusal.PDF_TOO_MANY_OBJECTS


def _hand_written_pdf(*extra_objects: bytes) -> bytes:
    """A one-page PDF written byte by byte, with `extra_objects` in its table that nothing points to."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return out


@pytest.mark.parametrize(
    ("orphan", "code"),
    [
        (b"<< /S /JavaScript /JS (app.alert(1)) >>", Refusal.PDF_JAVASCRIPT),
        (b"<< /S /#4aavaScript /JS (app.alert(1)) >>", Refusal.PDF_JAVASCRIPT),
        (b"<< /S /Launch /F (calc.exe) >>", Refusal.PDF_LAUNCH),
        (b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream", Refusal.PDF_ATTACHMENT),
    ],
    ids=["javascript", "escaped-name", "launch", "embedded-file"],
)
def test_an_object_nothing_points_to_is_walked_too(tmp_path, orphan, code):
    assert refused(tmp_path, _hand_written_pdf(b"42", orphan)).code == code


def test_a_hand_written_pdf_with_an_indirect_number_is_accepted(tmp_path):
    assert check(tmp_path, _hand_written_pdf(b"42")).pages == 1
