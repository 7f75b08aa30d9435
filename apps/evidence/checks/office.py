"""A Word document proved self-contained and inert: no macros, no fields or links that reach out.

Every part is read, not a fixed list of names: relationships in every .rels part (only web
hyperlinks may point outside), field codes in every XML part (headers, footers, footnotes,
comments, the glossary), in both their forms (`w:fldSimple` and `w:fldChar`/`w:instrText` runs,
nested or split across runs). oletools' olevba then looks for VBA in whatever our own rules let
through. msodde is not used: it reads a fixed list of parts and only runs that are direct children
of a paragraph, so a field in header3.xml or inside a content control would pass it.
"""

import logging
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.parsers import expat

from docx import Document

with warnings.catch_warnings():  # oletools still calls pyparsing's old names, warning at import
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

from apps.evidence.checks.base import DOCX_MIME, EvidenceRefused, Refusal, Sniffed
from apps.evidence.checks.zip import (
    INFLATE_CHUNK_BYTES,
    zip_directory_check,
    zip_inflate_all,
    zip_layout_check,
)

DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
MACRO_PART_NAMES = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml|activex/)", re.IGNORECASE)
MACRO_CONTENT_TYPES = re.compile(r"macroenabled|vbaproject|activex|vbadata", re.IGNORECASE)
EMBEDDED_PART_NAMES = re.compile(r"(^|/)embeddings/", re.IGNORECASE)
EMBEDDED_CONTENT_TYPES = re.compile(r"oleobject|\.package$|vnd\.ms-office\.", re.IGNORECASE)
WEB_TARGET = re.compile(r"^\s*(https?://|mailto:|#)", re.IGNORECASE)
# A target that names a place outside the package whatever its TargetMode says: a URL or a share.
OUTSIDE_TARGET = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\|//)", re.IGNORECASE)

# Relationship types (the last segment of the Type URI) and what pointing outside with one means.
REFUSAL_BY_EXTERNAL_RELATIONSHIP = {
    "image": Refusal.DOCX_LINKED_IMAGE,
    "attachedtemplate": Refusal.DOCX_REMOTE_TEMPLATE,
    "oleobject": Refusal.DOCX_LINKED_OBJECT,
    "package": Refusal.DOCX_LINKED_OBJECT,
    "control": Refusal.DOCX_LINKED_OBJECT,
    "afchunk": Refusal.DOCX_LINKED_DOCUMENT,
    "subdocument": Refusal.DOCX_LINKED_DOCUMENT,
    "frame": Refusal.DOCX_LINKED_DOCUMENT,
}
# Inside the package these still bring in something that is not the document's own text.
EMBEDDING_RELATIONSHIPS = frozenset({"oleobject", "package", "control", "afchunk", "subdocument"})

# A field is named by its first word (Word ignores case and leading blanks).
REFUSAL_BY_FIELD = {
    "DDE": Refusal.DOCX_DDE,
    "DDEAUTO": Refusal.DOCX_DDE,
    "INCLUDEPICTURE": Refusal.DOCX_REMOTE_FIELD,
    "INCLUDETEXT": Refusal.DOCX_REMOTE_FIELD,
    "INCLUDE": Refusal.DOCX_REMOTE_FIELD,
    "LINK": Refusal.DOCX_REMOTE_FIELD,
    "IMPORT": Refusal.DOCX_REMOTE_FIELD,
    "DATABASE": Refusal.DOCX_REMOTE_FIELD,
    "RD": Refusal.DOCX_REMOTE_FIELD,
    "MACROBUTTON": Refusal.DOCX_MACRO,
}
# A field's words outside its quoted arguments: a field name anywhere among them counts, so a field
# another one wraps ("QUOTE { INCLUDETEXT ... }" typed as text) is judged by what it wraps too.
QUOTED = re.compile(r'"[^"]*"?')
FIELD_WORD = re.compile(r"[A-Za-z]+")
HYPERLINK_TARGET = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+)*"?([^"\s]*)', re.IGNORECASE)
# Pictures a Word document carries under word/media, known by their first bytes; nothing else may
# hide there (another PDF, a zip, a program named image1.png).
MEDIA_FOLDER = re.compile(r"^word/media/", re.IGNORECASE)
MEDIA_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
    b"\x01\x00\x00\x00",  # EMF (its " EMF" signature follows at offset 40)
    b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00",  # WMF, placeable and plain
)
WEBP = (b"RIFF", b"WEBP")
# VML pictures and a few legacy elements may name a URL in an attribute instead of a relationship.
URL_ATTRIBUTES = frozenset({"href", "src"})
REMOTE_DATA_ELEMENTS = frozenset({"mailMerge"})


def docx_check(path: Path, *, allowed: bool) -> Sniffed:
    """Prove the zip is an inert, self-contained Word document (`allowed`: policy takes DOCX)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            zip_directory_check(members)
            zip_layout_check(path, archive)
            content_types = _content_types(archive)
            _macro_check(members, content_types)
            _main_part_check(content_types)
            if not allowed:
                raise EvidenceRefused(Refusal.NOT_ALLOWED, DOCX_MIME)
            _embedded_check(members, content_types or [])
            zip_inflate_all(archive, members, head_check=_media_check)
            for member in members:
                name = member.filename.lower()
                if name.endswith(".rels"):
                    _relationships_check(archive, member)
                elif name.endswith(".xml"):
                    _xml_part_check(archive, member)
    except EvidenceRefused:
        raise
    except MemoryError as exc:
        raise EvidenceRefused(Refusal.TOO_COMPLEX, "MemoryError") from exc
    except Exception as exc:  # a damaged zip: bad directory, bad CRC, unknown compression, bad XML
        raise EvidenceRefused(Refusal.DOCX_BROKEN, f"{type(exc).__name__}: {exc}") from exc
    _vba_check(path)
    _docx_open(path)
    return Sniffed(mime_type=DOCX_MIME, parts=[member.filename for member in members])


def _xml_events(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one XML part through expat, names without their namespace; no DTD is allowed.

    Office never writes a DOCTYPE; refusing it leaves no room for entity tricks.
    """
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args: Any) -> None:
        raise EvidenceRefused(Refusal.DOCX_BROKEN, f"{member.filename}: DOCTYPE")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = lambda name, attrs: start(
        _local(name), {_local(key): value for key, value in attrs.items()}
    )
    if end is not None:
        parser.EndElementHandler = lambda name: end(_local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(member) as stream:
        while chunk := stream.read(INFLATE_CHUNK_BYTES):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _content_types(archive: zipfile.ZipFile) -> list[str] | None:
    """The content types the package declares, or None when it is not an Office package at all."""
    try:
        info = archive.getinfo(CONTENT_TYPES_PART)
    except KeyError:
        return None
    found: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in ("Default", "Override"):
            found.append(attrs.get("ContentType", ""))

    _xml_events(archive, info, start)
    return found


def _macro_check(members: list[zipfile.ZipInfo], content_types: list[str] | None) -> None:
    for member in members:
        if MACRO_PART_NAMES.search(member.filename):
            raise EvidenceRefused(Refusal.DOCX_MACRO, member.filename)
    for content_type in content_types or ():
        if MACRO_CONTENT_TYPES.search(content_type):
            raise EvidenceRefused(Refusal.DOCX_MACRO, content_type)


def _main_part_check(content_types: list[str] | None) -> None:
    if content_types is None:
        raise EvidenceRefused(Refusal.ARCHIVE, "no [Content_Types].xml")
    if DOCX_MAIN_PART not in content_types:
        # A Word template, a spreadsheet, a presentation: Office, but not a Word document.
        main_parts = [kind for kind in content_types if kind.endswith(".main+xml")]
        raise EvidenceRefused(Refusal.OTHER_OFFICE, ", ".join(main_parts))


def _embedded_check(members: list[zipfile.ZipInfo], content_types: list[str]) -> None:
    """Embedded OLE objects and packages (a spreadsheet, a program wrapped as a package)."""
    for member in members:
        if EMBEDDED_PART_NAMES.search(member.filename):
            raise EvidenceRefused(Refusal.DOCX_EMBEDDED_OBJECT, member.filename)
    for content_type in content_types:
        if EMBEDDED_CONTENT_TYPES.search(content_type):
            raise EvidenceRefused(Refusal.DOCX_EMBEDDED_OBJECT, content_type)


def _media_check(member: zipfile.ZipInfo, head: bytes) -> None:
    """A file in word/media is a picture by its first bytes (or an SVG without scripts)."""
    if not MEDIA_FOLDER.match(member.filename) or member.is_dir():
        return
    if head.startswith(MEDIA_SIGNATURES) or (head[:4], head[8:12]) == WEBP:
        return
    if member.filename.lower().endswith(".svg") and b"<svg" in head.lower() and not _svg_active(head):
        return
    raise EvidenceRefused(Refusal.DOCX_EMBEDDED_OBJECT, f"{member.filename}: not a picture")


SVG_ACTIVE = re.compile(rb"<script|javascript:|<foreignobject|\son[a-z]+\s*=", re.IGNORECASE)


def _svg_active(head: bytes) -> bool:
    return bool(SVG_ACTIVE.search(head))


def _relationships_check(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Only a hyperlink to a web address may point outside; objects may not be embedded either."""

    def start(name: str, attrs: dict[str, str]) -> None:
        if name != "Relationship":
            return
        kind = attrs.get("Type", "").rstrip("/").rpartition("/")[2].lower()
        target = attrs.get("Target", "")
        external = attrs.get("TargetMode", "").lower() == "external" or bool(OUTSIDE_TARGET.match(target))
        seen = f"{member.filename}: {kind} -> {target[:120]}"
        if kind == "hyperlink":
            if external and not WEB_TARGET.match(target):
                raise EvidenceRefused(Refusal.DOCX_EXTERNAL_CONTENT, seen)
            return
        if external:
            code = REFUSAL_BY_EXTERNAL_RELATIONSHIP.get(kind, Refusal.DOCX_EXTERNAL_CONTENT)
            raise EvidenceRefused(code, seen)
        if kind in EMBEDDING_RELATIONSHIPS:
            raise EvidenceRefused(Refusal.DOCX_EMBEDDED_OBJECT, seen)

    _xml_events(archive, member, start)


class _Fields:
    """Collect each field's instruction, however Word split it into runs, and judge it whole."""

    def __init__(self, part: str) -> None:
        self.part = part
        # One entry per field begun and not ended: its instruction so far, and whether it was judged
        # (at its separator: what follows is the field's last result, not its instruction).
        self.open: list[tuple[list[str], list[bool]]] = []
        self.in_instruction = False
        self.stray: list[str] = []  # instruction text outside any begun field

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "fldSimple":
            self.judge(attrs.get("instr", ""))
        elif name == "fldChar":
            self.field_char(attrs.get("fldCharType", ""))
        elif name in ("instrText", "delInstrText"):
            self.in_instruction = True
        elif name in REMOTE_DATA_ELEMENTS:
            raise EvidenceRefused(Refusal.DOCX_EXTERNAL_CONTENT, f"{self.part}: {name}")
        for key in URL_ATTRIBUTES & attrs.keys():
            if OUTSIDE_TARGET.match(attrs[key]):
                raise EvidenceRefused(Refusal.DOCX_EXTERNAL_CONTENT, f"{self.part}: {name} {key}")

    def field_char(self, kind: str) -> None:
        if kind == "begin":
            self.open.append(([], [False]))
        elif kind in ("separate", "end") and self.open:
            buffer, judged = self.open.pop() if kind == "end" else self.open[-1]
            if not judged[0]:
                judged[0] = True
                self.judge("".join(buffer))

    def end(self, name: str) -> None:
        if name in ("instrText", "delInstrText"):
            self.in_instruction = False

    def text(self, data: str) -> None:
        if not self.in_instruction:
            return
        if self.open and not self.open[-1][1][0]:
            self.open[-1][0].append(data)
        else:
            self.stray.append(data)

    def finish(self) -> None:
        for buffer, judged in self.open:
            if not judged[0]:
                self.judge("".join(buffer))
        for piece in (*self.stray, "".join(self.stray)):
            self.judge(piece)

    def judge(self, instruction: str) -> None:
        for word in FIELD_WORD.findall(QUOTED.sub(" ", instruction)):
            code = REFUSAL_BY_FIELD.get(word.upper())
            if code is not None:
                raise EvidenceRefused(code, f"{self.part}: {instruction[:120]}")
        hyperlink = HYPERLINK_TARGET.match(instruction)
        # A field hyperlink to a file or a program runs it when clicked; \l bookmarks have no target.
        target = hyperlink.group(1) if hyperlink else ""
        if target and not WEB_TARGET.match(target) and not re.search(r"\\l\b", instruction):
            raise EvidenceRefused(Refusal.DOCX_EXTERNAL_CONTENT, f"{self.part}: {instruction[:120]}")


def _xml_part_check(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    fields = _Fields(member.filename)
    _xml_events(archive, member, fields.start, fields.end, fields.text)
    fields.finish()


def _vba_check(path: Path) -> None:
    """oletools' own look for VBA, in every OLE stream and part it knows of."""
    logging.getLogger("olevba").setLevel(logging.CRITICAL)
    try:
        parser = VBA_Parser(str(path))
    except Exception:  # olevba does not know the file: our own rules above have judged it
        return
    try:
        found = parser.detect_vba_macros()
    finally:
        parser.close()
    if found:
        raise EvidenceRefused(Refusal.DOCX_MACRO, "olevba found VBA")


def _docx_open(path: Path) -> None:
    try:
        Document(str(path))
    except Exception as exc:  # python-docx refuses what is not a readable Word document
        raise EvidenceRefused(Refusal.DOCX_BROKEN, f"{type(exc).__name__}: {exc}") from exc
