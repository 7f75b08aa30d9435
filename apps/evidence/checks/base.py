"""What every evidence check shares: the refusal codes, the result, the limits. Pure: no Django."""

from dataclasses import dataclass, field
from enum import StrEnum

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The only kinds whose content these checks can prove; policy may allow fewer, never others.
VERIFIABLE_MIME_TYPES = frozenset({PDF_MIME, DOCX_MIME})
EXTENSION_BY_MIME = {PDF_MIME: "pdf", DOCX_MIME: "docx"}

# Programs and OLE containers, by their first bytes: refused as a whole file, and inside a document.
EXECUTABLE_SIGNATURES = (
    b"\x7fELF",  # Linux and most Unix programs
    b"MZ",  # Windows programs and libraries (PE behind a DOS stub)
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"#!",  # scripts
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


class Refusal(StrEnum):
    """Why a file is not accepted; the service maps each code to a message.

    The values are the API's `extra.code`: none may be one of the API's status codes
    (`not_allowed`, `forbidden`, ...), or a refused file would not answer 400.
    """

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_COMPLEX = "too_complex"
    BARE_IMAGE = "bare_image"
    EXECUTABLE = "executable"
    ARCHIVE = "archive"
    ARCHIVE_BOMB = "archive_bomb"
    LEGACY_OFFICE = "legacy_office"
    OTHER_OFFICE = "other_office"
    NOT_ALLOWED = "format_not_allowed"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_BROKEN = "pdf_broken"
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
    PDF_TOO_MANY_OBJECTS = "pdf_too_many_objects"
    PDF_TRAILING_DATA = "pdf_trailing_data"
    PDF_ACTIVE_CONTENT = "pdf_active_content"  # an action of a kind not on the allowed list
    PDF_JAVASCRIPT = "pdf_javascript"
    PDF_LAUNCH = "pdf_launch"
    PDF_FORM_SUBMIT = "pdf_form_submit"
    PDF_EXTERNAL_LINK = "pdf_external_link"
    PDF_MEDIA = "pdf_media"
    PDF_XFA = "pdf_xfa"
    PDF_ATTACHMENT = "pdf_attachment"
    DOCX_ENCRYPTED = "docx_encrypted"
    DOCX_BROKEN = "docx_broken"
    DOCX_UNSAFE_NAMES = "docx_unsafe_names"
    DOCX_MACRO = "docx_macro"
    DOCX_DDE = "docx_dde"
    DOCX_REMOTE_FIELD = "docx_remote_field"
    DOCX_LINKED_IMAGE = "docx_linked_image"
    DOCX_REMOTE_TEMPLATE = "docx_remote_template"
    DOCX_LINKED_OBJECT = "docx_linked_object"
    DOCX_LINKED_DOCUMENT = "docx_linked_document"
    DOCX_EXTERNAL_CONTENT = "docx_external_content"
    DOCX_EMBEDDED_OBJECT = "docx_embedded_object"


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


@dataclass(frozen=True)
class CheckLimits:
    """How much a file may ask of the checks: structure here, time and memory for the bounded run.

    The defaults are PolicySettings' defaults; the service passes the policy's current values.
    """

    max_pdf_pages: int = 500
    max_pdf_objects: int = 100_000
    seconds: float = 5.0
    memory_bytes: int = 512 * 1024 * 1024


def size_check(size: int, *, max_bytes: int) -> None:
    """Refuse an empty file or one larger than `max_bytes` (exactly `max_bytes` is allowed)."""
    if size <= 0:
        raise EvidenceRefused(Refusal.EMPTY)
    if size > max_bytes:
        raise EvidenceRefused(Refusal.TOO_LARGE, f"{size} > {max_bytes}")
