"""A Word document is read part by part: fields, links, objects and names that reach outside are refused.

Pure: the hostile corpus is built in code (tests/evidence/hostile_office.py); no database.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from apps.evidence.checks import (
    DOCX_MIME,
    MAX_TOTAL_COMPRESSION_RATIO,
    MAX_ZIP_MEMBERS,
    VERIFIABLE_MIME_TYPES,
    EvidenceRefused,
    Refusal,
    evidence_sniff,
)
from apps.evidence.refusals import refusal_message
from tests.evidence import files
from tests.evidence import hostile_office as hostile


def check(tmp_path: Path, content: bytes):
    path = tmp_path / "evidence.docx"
    path.write_bytes(content)
    return evidence_sniff(path, allowed_mime_types=VERIFIABLE_MIME_TYPES)


def refused(tmp_path: Path, content: bytes) -> EvidenceRefused:
    with pytest.raises(EvidenceRefused) as caught:
        check(tmp_path, content)
    return caught.value


def message(refusal: EvidenceRefused, language: str = "en") -> str:
    with translation.override(language):
        return refusal_message(refusal, formats=[], max_bytes=20 * files.MB)


DDE = "contains DDE fields"
REMOTE_FIELD = "fields that load pictures or text from other files or the internet"
FIELD_FORMS = {
    "fldSimple": hostile.field_simple,
    "instrText": hostile.field_runs,
    "in-content-control": hostile.field_in_content_control,
    "nested": hostile.nested_field,
    "header3": hostile.field_in_header,
}
FIELDS = [
    ("ddeauto", hostile.DDEAUTO, Refusal.DOCX_DDE, DDE),
    ("dde", 'DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc"', Refusal.DOCX_DDE, DDE),
    ("includepicture-http", hostile.INCLUDEPICTURE, Refusal.DOCX_REMOTE_FIELD, REMOTE_FIELD),
    ("includetext", hostile.INCLUDETEXT, Refusal.DOCX_REMOTE_FIELD, REMOTE_FIELD),
    ("lowercase-link", ' link Excel.Sheet.8 "http://203.0.113.7/a.xls" ', Refusal.DOCX_REMOTE_FIELD,
     REMOTE_FIELD),
    ("wrapped-in-quote", ' QUOTE { INCLUDETEXT "c:\\\\secrets.txt" } ', Refusal.DOCX_REMOTE_FIELD,
     REMOTE_FIELD),
    ("hyperlink-to-a-program", ' HYPERLINK "file:///c:/windows/system32/calc.exe" ',
     Refusal.DOCX_EXTERNAL_CONTENT, "loads content from outside the file"),
]


@pytest.mark.parametrize("form", FIELD_FORMS.values(), ids=FIELD_FORMS.keys())
@pytest.mark.parametrize(("instruction", "code", "says"), [f[1:] for f in FIELDS], ids=[f[0] for f in FIELDS])
def test_a_field_that_runs_or_fetches_is_refused_in_any_form_and_part(
    tmp_path, form, instruction, code, says
):
    refusal = refused(tmp_path, form(instruction))
    assert refusal.code == code, refusal.detail
    assert says in message(refusal)
    if code != Refusal.DOCX_EXTERNAL_CONTENT:
        assert "Ctrl+Shift+F9" in message(refusal, "zh-hans")


@pytest.mark.parametrize("form", FIELD_FORMS.values(), ids=FIELD_FORMS.keys())
@pytest.mark.parametrize(
    "instruction",
    [" PAGE ", 'HYPERLINK "https://www.12315.cn/"', "DATE \\@ yyyy", 'HYPERLINK \\l "_Toc1"',
     'TOC \\o "1-3" \\h \\z \\u', 'QUOTE "a LINK in quotes is text"'],
)
def test_an_ordinary_field_is_accepted(tmp_path, form, instruction):
    assert check(tmp_path, form(instruction)).mime_type == DOCX_MIME


RELATIONSHIPS = [
    ("image", lambda: hostile.external_relationship("image"), Refusal.DOCX_LINKED_IMAGE, "links to pictures"),
    ("image-in-header-rels",
     lambda: hostile.external_relationship("image", part="word/_rels/header1.xml.rels"),
     Refusal.DOCX_LINKED_IMAGE, "links to pictures"),
    ("url-without-target-mode", hostile.url_as_internal_target, Refusal.DOCX_LINKED_IMAGE,
     "links to pictures"),
    ("attached-template", lambda: hostile.external_relationship(
        "attachedTemplate", part="word/_rels/settings.xml.rels"), Refusal.DOCX_REMOTE_TEMPLATE,
     "loads its template from another file"),
    ("ole-object", lambda: hostile.external_relationship("oleObject", "file:///C:/x.xlsx"),
     Refusal.DOCX_LINKED_OBJECT, "links to an object"),
    ("alt-chunk", lambda: hostile.external_relationship("aFChunk", "http://203.0.113.7/x.mht"),
     Refusal.DOCX_LINKED_DOCUMENT, "pulls in other documents or web pages"),
    ("frame", lambda: hostile.external_relationship("frame", part="word/_rels/webSettings.xml.rels"),
     Refusal.DOCX_LINKED_DOCUMENT, "pulls in other documents or web pages"),
    ("sub-document", lambda: hostile.external_relationship("subDocument", "\\\\203.0.113.7\\s\\d.docx"),
     Refusal.DOCX_LINKED_DOCUMENT, "pulls in other documents or web pages"),
    ("unknown-kind", lambda: hostile.external_relationship("footer"), Refusal.DOCX_EXTERNAL_CONTENT,
     "loads content from outside the file"),
    ("hyperlink-to-a-file", lambda: hostile.external_relationship("hyperlink", "file:///C:/x.exe"),
     Refusal.DOCX_EXTERNAL_CONTENT, "loads content from outside the file"),
    ("vml-picture-url", hostile.vml_picture_url, Refusal.DOCX_EXTERNAL_CONTENT,
     "loads content from outside the file"),
    ("mail-merge", hostile.mail_merge_query, Refusal.DOCX_EXTERNAL_CONTENT,
     "loads content from outside the file"),
]


@pytest.mark.parametrize(
    ("make", "code", "says"), [case[1:] for case in RELATIONSHIPS], ids=[case[0] for case in RELATIONSHIPS]
)
def test_anything_loaded_from_outside_the_file_is_refused(tmp_path, make, code, says):
    refusal = refused(tmp_path, make())
    assert refusal.code == code, refusal.detail
    assert says in message(refusal)
    assert message(refusal, "zh-hans").startswith("该 Word 文档")


def test_a_web_hyperlink_is_the_one_link_allowed_outside(tmp_path):
    found = check(tmp_path, hostile.external_relationship("hyperlink", "https://www.12315.cn/"))
    assert found.mime_type == DOCX_MIME


OBJECTS = [
    ("ole-object", hostile.embedded_ole_object),
    ("program-as-picture", hostile.program_as_picture),
    ("alt-chunk-inside", hostile.internal_alt_chunk),
]


@pytest.mark.parametrize("make", [case[1] for case in OBJECTS], ids=[case[0] for case in OBJECTS])
def test_an_embedded_object_is_refused(tmp_path, make):
    refusal = refused(tmp_path, make())
    assert refusal.code == Refusal.DOCX_EMBEDDED_OBJECT, refusal.detail
    assert message(refusal).startswith("This Word document has an object embedded in it")


@pytest.mark.parametrize(
    "name",
    [b"../../evil.xml", b"word/../../evil.xml", b"/etc/cron.d/evil", b"word\\evil.xml", b"C:/evil.xml",
     b"word/ev\x00l.xml"],
    ids=["parent", "parent-inside", "absolute", "backslash", "drive", "nul"],
)
def test_a_member_name_that_escapes_the_package_is_refused(tmp_path, name):
    refusal = refused(tmp_path, hostile.with_raw_member_name(name))
    assert refusal.code == Refusal.DOCX_UNSAFE_NAMES
    assert "packed in an unsafe way" in message(refusal)


def test_two_members_of_one_name_are_refused(tmp_path):
    assert refused(tmp_path, hostile.duplicate_member()).code == Refusal.DOCX_UNSAFE_NAMES


def test_many_members_each_under_the_ratio_floor_are_refused_as_a_whole(tmp_path):
    refusal = refused(tmp_path, hostile.many_members_under_ratio_floor())
    assert refusal.code == Refusal.ARCHIVE_BOMB
    assert refusal.detail.startswith("all members")
    assert "expand to far more than its size" in message(refusal)


def test_a_long_text_document_is_not_a_bomb(tmp_path):
    # Prose compresses a few times over, far from the total ratio: 2 MB of it is a document.
    lines = "".join(f"<t>第{n}条 clause {n * 7919 % 100_003} on {n % 28 + 1} May</t>" for n in range(60_000))
    part = {"customXml/item7.xml": f"<r>{lines}</r>".encode()}
    content = files._rewrite_zip(files.docx_bytes("long"), part)
    assert len(lines.encode()) > 2 * files.MB
    assert len(lines.encode()) / len(content) < MAX_TOTAL_COMPRESSION_RATIO
    assert check(tmp_path, content).mime_type == DOCX_MIME


def test_too_many_members_are_refused(tmp_path):
    assert refused(tmp_path, files.zip_with_many_members(MAX_ZIP_MEMBERS + 1)).code == Refusal.ARCHIVE_BOMB


def test_an_entity_declaration_is_refused_before_it_expands(tmp_path):
    assert refused(tmp_path, hostile.doctype_entities()).code == Refusal.DOCX_BROKEN


def test_a_macro_is_named_in_both_languages(tmp_path):
    refusal = refused(tmp_path, files.docm_bytes())
    assert refusal.code == Refusal.DOCX_MACRO
    assert message(refusal).startswith("This Word document contains macros.")
    assert message(refusal, "zh-hans") != message(refusal)


def test_a_word_document_with_pictures_is_still_accepted(tmp_path):
    found = check(tmp_path, files.docx_with_png())
    assert found.mime_type == DOCX_MIME
    assert any(part.startswith("word/media/") for part in found.parts)


def _with_comment(data: bytes, comment: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.comment = comment
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: files.docx_bytes("tail") + files.pdf_bytes("after a docx"), Refusal.DOCX_BROKEN),
        (lambda: b"%PDF-1.7\n" + files.docx_bytes("head"), Refusal.PDF_BROKEN),
        (lambda: _with_comment(files.docx_bytes("comment"), b"%PDF-1.7 hidden"), Refusal.DOCX_BROKEN),
    ],
    ids=["pdf-after", "pdf-before", "zip-comment"],
)
def test_a_word_document_that_is_also_another_file_is_refused(tmp_path, make, code):
    assert refused(tmp_path, make()).code == code


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("word/media/image9.png", files.pdf_bytes()),
        ("word/media/image9.png", files.docx_bytes()),
        ("word/media/report.pdf", files.pdf_bytes()),
        ("word/media/image9.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("word/media/image9.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
    ids=["pdf-named-png", "zip-named-png", "pdf", "svg-script", "svg-onload"],
)
def test_anything_but_a_picture_in_the_media_folder_is_refused(tmp_path, name, content):
    refusal = refused(tmp_path, files.docx_with_member(name, content))
    assert refusal.code == Refusal.DOCX_EMBEDDED_OBJECT, refusal.detail
    assert "has an object embedded in it" in message(refusal)


@pytest.mark.parametrize(
    "content",
    [files.png_bytes(), files.jpeg_bytes(), b'<svg xmlns="http://www.w3.org/2000/svg"><text>one</text></svg>'],
    ids=["png", "jpeg", "plain-svg"],
)
def test_pictures_in_the_media_folder_are_accepted(tmp_path, content):
    suffix = "svg" if content.startswith(b"<svg") else "png"
    found = check(tmp_path, files.docx_with_member(f"word/media/extra.{suffix}", content))
    assert found.mime_type == DOCX_MIME
