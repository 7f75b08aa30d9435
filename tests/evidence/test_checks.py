"""evidence_sniff: a file is judged by its content, whatever it is called. No database."""

from collections.abc import Callable
from pathlib import Path

import pytest

from apps.evidence.checks import (
    DOCX_MIME,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    PDF_MIME,
    VERIFIABLE_MIME_TYPES,
    EvidenceRefused,
    Refusal,
    evidence_sniff,
    size_check,
)
from tests.evidence import files

MB = files.MB


def sniff(tmp_path: Path, content: bytes, name: str = "upload.bin", allowed=VERIFIABLE_MIME_TYPES):
    path = tmp_path / name
    path.write_bytes(content)
    return evidence_sniff(path, allowed_mime_types=allowed)


def refusal(
    tmp_path: Path, content: bytes, name: str = "upload.bin", allowed=VERIFIABLE_MIME_TYPES
) -> Refusal:
    with pytest.raises(EvidenceRefused) as caught:
        sniff(tmp_path, content, name, allowed)
    return caught.value.code


@pytest.mark.parametrize("name", ["合同.pdf", "contract.docx", "no-extension"])
def test_a_pdf_is_a_pdf_whatever_its_name(tmp_path, name):
    found = sniff(tmp_path, files.pdf_bytes(), name)
    assert (found.mime_type, found.kind, found.pages) == (PDF_MIME, "pdf", 1)


@pytest.mark.parametrize("make", [files.docx_bytes, files.docx_with_png])
def test_a_word_document_with_or_without_an_embedded_picture_is_accepted(tmp_path, make):
    found = sniff(tmp_path, make(), "截图.pdf")
    assert (found.mime_type, found.kind) == (DOCX_MIME, "docx")
    if make is files.docx_with_png:
        assert any(part.startswith("word/media/") for part in found.parts)


@pytest.mark.parametrize("make", [files.png_bytes, files.jpeg_bytes])
@pytest.mark.parametrize("name", ["photo.png", "photo.pdf", "photo.docx"])
def test_a_bare_picture_is_refused_under_any_name(tmp_path, make, name):
    assert refusal(tmp_path, make(), name) == Refusal.BARE_IMAGE


@pytest.mark.parametrize("make", [files.elf_executable, files.pe_executable])
@pytest.mark.parametrize("name", ["invoice.pdf", "agreement.docx"])
def test_a_program_renamed_as_a_document_is_refused(tmp_path, make, name):
    assert refusal(tmp_path, make(), name) == Refusal.EXECUTABLE


def test_a_shell_script_is_refused_as_a_program(tmp_path):
    assert refusal(tmp_path, b"#!/bin/sh\nrm -rf ~\n", "note.pdf") == Refusal.EXECUTABLE


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (files.encrypted_pdf, Refusal.PDF_ENCRYPTED),
        (lambda: files.encrypted_pdf(user_password=""), Refusal.PDF_ENCRYPTED),
        (files.truncated_pdf, Refusal.PDF_BROKEN),
        (files.pdf_header_garbage, Refusal.PDF_BROKEN),
        (files.pdf_with_javascript, Refusal.PDF_JAVASCRIPT),
    ],
    ids=["encrypted", "encrypted-no-user-password", "truncated", "header-only", "javascript"],
)
def test_a_pdf_that_qpdf_cannot_read_plainly_is_refused(tmp_path, make, code):
    assert refusal(tmp_path, make(), "evidence.pdf") == code


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (files.docx_with_linked_image, Refusal.DOCX_LINKED_IMAGE),
        (files.docx_with_remote_template, Refusal.DOCX_REMOTE_TEMPLATE),
        (files.docm_bytes, Refusal.DOCX_MACRO),
        (lambda: files.docm_bytes(declared=False), Refusal.DOCX_MACRO),
        (lambda: files.docx_with_member("word/activeX/activeX1.bin", b"\x00" * 64), Refusal.DOCX_MACRO),
        (files.plain_zip, Refusal.ARCHIVE),
        (files.legacy_doc, Refusal.LEGACY_OFFICE),
    ],
    ids=["linked-image", "remote-template", "docm", "smuggled-vba", "activex", "zip", "legacy-doc"],
)
def test_a_word_document_that_is_not_self_contained_and_inert_is_refused(tmp_path, make, code):
    assert refusal(tmp_path, make(), "evidence.docx") == code


def test_a_hyperlink_in_a_word_document_is_not_external_content(tmp_path):
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    path = tmp_path / "links.docx"
    document = Document()
    paragraph = document.add_paragraph("see ")
    paragraph.part.relate_to("https://example.com/case", RT.HYPERLINK, is_external=True)
    document.save(str(path))
    assert evidence_sniff(path, allowed_mime_types=VERIFIABLE_MIME_TYPES).mime_type == DOCX_MIME


def test_a_password_protected_word_document_is_refused_as_such(tmp_path):
    encrypted = files.legacy_doc()[:512] + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    assert refusal(tmp_path, encrypted, "secret.docx") == Refusal.DOCX_ENCRYPTED


def test_a_spreadsheet_is_office_but_not_a_word_document(tmp_path):
    types = files._read_member(files.docx_bytes(), "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    )
    xlsx = files._rewrite_zip(files.docx_bytes(), {"[Content_Types].xml": types})
    assert refusal(tmp_path, xlsx, "sheet.docx") == Refusal.OTHER_OFFICE


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda: files.zip_bomb(uncompressed=8 * MB), "one part inflates 1000:1"),
        (lambda: files.zip_bomb(uncompressed=MAX_ZIP_UNCOMPRESSED_BYTES + MB), "it inflates past the limit"),
        (lambda: files.zip_with_many_members(MAX_ZIP_MEMBERS + 1), "too many parts"),
    ],
    ids=["ratio", "total", "members"],
)
def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path, make, why):
    assert refusal(tmp_path, make(), "bomb.docx") == Refusal.ARCHIVE_BOMB, why


def test_a_zip_whose_headers_understate_what_it_inflates_to_is_refused_as_damaged(tmp_path):
    assert refusal(tmp_path, files.zip_with_lying_sizes(), "liar.docx") == Refusal.DOCX_BROKEN


def test_a_document_with_many_parts_below_the_limit_is_still_a_document(tmp_path):
    assert sniff(tmp_path, files.zip_with_many_members(MAX_ZIP_MEMBERS - 40)).mime_type == DOCX_MIME


@pytest.mark.parametrize(
    ("allowed", "make", "accepted"),
    [
        ({PDF_MIME}, files.pdf_bytes, True),
        ({PDF_MIME}, files.docx_bytes, False),
        ({DOCX_MIME}, files.pdf_bytes, False),
        ({DOCX_MIME}, files.docx_bytes, True),
    ],
)
def test_only_the_formats_policy_allows_are_accepted(tmp_path, allowed, make: Callable[[], bytes], accepted):
    if accepted:
        assert sniff(tmp_path, make(), allowed=allowed).mime_type in allowed
    else:
        assert refusal(tmp_path, make(), allowed=allowed) == Refusal.NOT_ALLOWED


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", Refusal.EMPTY),
        (b"just some text\n" * 10, Refusal.NOT_ALLOWED),
        (b"<html><script>x</script>", Refusal.NOT_ALLOWED),
    ],
    ids=["empty", "text", "html"],
)
def test_anything_else_is_refused(tmp_path, content, code):
    assert refusal(tmp_path, content, "evidence.pdf") == code


def test_the_size_limit_is_inclusive():
    size_check(20 * MB, max_bytes=20 * MB)
    with pytest.raises(EvidenceRefused) as caught:
        size_check(20 * MB + 1, max_bytes=20 * MB)
    assert caught.value.code == Refusal.TOO_LARGE
    with pytest.raises(EvidenceRefused) as caught:
        size_check(0, max_bytes=20 * MB)
    assert caught.value.code == Refusal.EMPTY


def test_the_padded_pdf_generator_hits_the_byte(tmp_path):
    for size in (20 * MB, 20 * MB + 1):
        content = files.pdf_of_size(size)
        assert len(content) == size
        assert sniff(tmp_path, content, "big.pdf").pages == 1
