"""What an evidence file really is, judged by its content, never by its name. Pure: no Django.

`evidence_sniff` asks libmagic first, then makes the matching parser prove the file: pypdf in
strict mode for a PDF, python-docx for a Word document, after the zip's directory has shown it
cannot expand past the limits below. It returns what was found, or raises `EvidenceRefused` with
a code the service turns into a message the requester can act on.
"""

import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from xml.etree import ElementTree

import magic
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# The only kinds whose content these checks can prove; policy may allow fewer, never others.
VERIFIABLE_MIME_TYPES = frozenset({PDF_MIME, DOCX_MIME})
EXTENSION_BY_MIME = {PDF_MIME: "pdf", DOCX_MIME: "docx"}

# A Word document's zip, judged from its directory before anything is inflated. A 20 MB document
# is mostly pictures, which do not compress: it inflates to little more than its size.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_COMPRESSION_RATIO = 100
# Below this a part may compress as well as it likes: small XML parts often reach 100:1.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
INFLATE_CHUNK_BYTES = 256 * 1024

EXECUTABLE_SIGNATURES = (
    b"\x7fELF",  # Linux and most Unix programs
    b"MZ",  # Windows programs and libraries (PE behind a DOS stub)
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"#!",  # scripts
)
EXECUTABLE_MIME_TYPES = frozenset({
    "application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
    "application/x-dosexec", "application/x-msdownload", "application/vnd.microsoft.portable-executable",
    "application/x-mach-binary", "application/java-archive", "application/x-java-applet",
    "application/x-shellscript", "text/x-shellscript", "text/x-script.python",
    "application/x-msi", "application/x-ms-shortcut",
})
OLE_MIME_TYPES = frozenset({"application/x-ole-storage", "application/msword", "application/CDFV2"})
ZIP_SIGNATURE = b"PK\x03\x04"
# A password-protected Word document is an OLE file with this stream in place of the zip.
OLE_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

MACRO_PART_NAMES = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml|activex/)", re.IGNORECASE)
MACRO_CONTENT_TYPES = re.compile(r"macroenabled|vbaproject|activex|vbadata", re.IGNORECASE)
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})


class Refusal(StrEnum):
    """Why a file is not accepted; the service maps each code to a message."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    BARE_IMAGE = "bare_image"
    EXECUTABLE = "executable"
    ARCHIVE = "archive"
    ARCHIVE_BOMB = "archive_bomb"
    LEGACY_OFFICE = "legacy_office"
    OTHER_OFFICE = "other_office"
    NOT_ALLOWED = "not_allowed"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_BROKEN = "pdf_broken"
    PDF_ACTIVE_CONTENT = "pdf_active_content"
    DOCX_ENCRYPTED = "docx_encrypted"
    DOCX_BROKEN = "docx_broken"
    DOCX_MACRO = "docx_macro"
    DOCX_LINKED_IMAGE = "docx_linked_image"
    DOCX_EXTERNAL_CONTENT = "docx_external_content"


class EvidenceRefused(Exception):
    """The file is not acceptable evidence; `code` says why, `detail` what was seen (for logs)."""

    def __init__(self, code: Refusal, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Sniffed:
    """What the file was proved to be."""

    mime_type: str
    pages: int | None = None  # a PDF's page count
    parts: list[str] = field(default_factory=list)  # a DOCX's zip members, for the record

    @property
    def kind(self) -> str:
        return "pdf" if self.mime_type == PDF_MIME else "docx"


def size_check(size: int, *, max_bytes: int) -> None:
    """Refuse an empty file or one larger than `max_bytes` (exactly `max_bytes` is allowed)."""
    if size <= 0:
        raise EvidenceRefused(Refusal.EMPTY)
    if size > max_bytes:
        raise EvidenceRefused(Refusal.TOO_LARGE, f"{size} > {max_bytes}")


def evidence_sniff(path: str | Path, *, allowed_mime_types: Collection[str]) -> Sniffed:
    """Prove the file at `path` is an allowed PDF or Word document, or raise EvidenceRefused."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        raise EvidenceRefused(Refusal.EMPTY)
    detected = magic.from_file(str(path), mime=True)
    if detected in EXECUTABLE_MIME_TYPES or head.startswith(EXECUTABLE_SIGNATURES):
        raise EvidenceRefused(Refusal.EXECUTABLE, detected)
    if detected.startswith("image/"):
        raise EvidenceRefused(Refusal.BARE_IMAGE, detected)
    if detected == PDF_MIME:
        _allowed(PDF_MIME, allowed_mime_types)
        return _pdf_check(path)
    if head.startswith(ZIP_SIGNATURE) or detected in ("application/zip", DOCX_MIME):
        return _docx_check(path, allowed_mime_types)
    if detected in OLE_MIME_TYPES or detected.startswith("application/CDFV2"):
        encrypted = _contains(path, OLE_ENCRYPTED_STREAM)
        raise EvidenceRefused(Refusal.DOCX_ENCRYPTED if encrypted else Refusal.LEGACY_OFFICE, detected)
    raise EvidenceRefused(Refusal.NOT_ALLOWED, detected)


def _allowed(mime_type: str, allowed_mime_types: Collection[str]) -> None:
    if mime_type not in allowed_mime_types:
        raise EvidenceRefused(Refusal.NOT_ALLOWED, mime_type)


def _contains(path: Path, needle: bytes, chunk: int = 1024 * 1024) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False


# ------------------------------------------------------------------------------------------ PDF
def _pdf_check(path: Path) -> Sniffed:
    try:
        reader = PdfReader(path, strict=True)
        if reader.is_encrypted:
            raise EvidenceRefused(Refusal.PDF_ENCRYPTED)
        pages = len(reader.pages)
        catalog = reader.trailer["/Root"].get_object()
        if not isinstance(catalog, DictionaryObject):
            raise EvidenceRefused(Refusal.PDF_BROKEN, "no document catalog")
        if _pdf_runs_something(catalog):
            raise EvidenceRefused(Refusal.PDF_ACTIVE_CONTENT)
    except EvidenceRefused:
        raise
    except Exception as exc:  # whatever the parser chokes on, the file cannot be read as a PDF
        raise EvidenceRefused(Refusal.PDF_BROKEN, f"{type(exc).__name__}: {exc}") from exc
    if pages < 1:
        raise EvidenceRefused(Refusal.PDF_BROKEN, "no pages")
    return Sniffed(mime_type=PDF_MIME, pages=pages)


def _pdf_runs_something(catalog: DictionaryObject) -> bool:
    """Document-level scripts, or an action run on opening that is a script or launches a program."""
    names = catalog.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    actions = [catalog.get("/OpenAction")]
    additional = catalog.get("/AA")
    if additional is not None:
        actions.extend(additional.get_object().values())
    for action in actions:
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject) and action.get("/S") in PDF_ACTIVE_ACTIONS:
            return True
    return False


# ----------------------------------------------------------------------------------------- DOCX
def _docx_check(path: Path, allowed_mime_types: Collection[str]) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _zip_bomb_check(members)
            content_types = _content_types(archive)
            _macro_check(members, content_types)
            _main_part_check(content_types)
            _allowed(DOCX_MIME, allowed_mime_types)
            _inflate_all(archive, members)
    except EvidenceRefused:
        raise
    except Exception as exc:  # a damaged zip: bad directory, bad CRC, unknown compression
        raise EvidenceRefused(Refusal.DOCX_BROKEN, f"{type(exc).__name__}: {exc}") from exc
    _docx_open(path)
    return Sniffed(mime_type=DOCX_MIME, parts=[member.filename for member in members])


def _zip_bomb_check(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip that would inflate past the limits, from the sizes its directory declares.

    zipfile never yields more than a member's declared size (a lie ends in a CRC error), so the
    declared sizes bound what opening the document can cost.
    """
    if len(members) > MAX_ZIP_MEMBERS:
        raise EvidenceRefused(Refusal.ARCHIVE_BOMB, f"{len(members)} members")
    total = sum(member.file_size for member in members)
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise EvidenceRefused(Refusal.ARCHIVE_BOMB, f"inflates to {total} bytes")
    for member in members:
        if (
            member.file_size >= RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_MEMBER_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise EvidenceRefused(
                Refusal.ARCHIVE_BOMB, f"{member.filename}: {member.compress_size} -> {member.file_size}"
            )
        if member.flag_bits & 0x1:
            raise EvidenceRefused(Refusal.DOCX_ENCRYPTED, member.filename)


def _content_types(archive: zipfile.ZipFile) -> list[str] | None:
    """The content types the package declares, or None when it is not an Office package at all."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    root = ElementTree.fromstring(archive.read(info))  # noqa: S314 - size bounded above; expat refuses entity bombs
    return [
        element.get("ContentType", "")
        for element in root
        if element.tag in (f"{CONTENT_TYPES_NS}Default", f"{CONTENT_TYPES_NS}Override")
    ]


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


def _inflate_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Inflate every member once, in chunks, so a damaged one (bad CRC, bad data) is found here."""
    for member in members:
        with archive.open(member) as stream:
            while stream.read(INFLATE_CHUNK_BYTES):
                pass


def _docx_open(path: Path) -> None:
    try:
        document = Document(str(path))
        relationships = [*document.part.package.iter_rels()]
    except Exception as exc:  # python-docx refuses what is not a readable Word document
        raise EvidenceRefused(Refusal.DOCX_BROKEN, f"{type(exc).__name__}: {exc}") from exc
    for relationship in relationships:
        if not relationship.is_external or relationship.reltype == RT.HYPERLINK:
            continue
        if relationship.reltype == RT.IMAGE:
            raise EvidenceRefused(Refusal.DOCX_LINKED_IMAGE, relationship.target_ref)
        raise EvidenceRefused(
            Refusal.DOCX_EXTERNAL_CONTENT, f"{relationship.reltype} {relationship.target_ref}"
        )
