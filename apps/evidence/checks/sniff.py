"""What an evidence file really is, judged by its content, never by its name.

libmagic names the kind; the format's own tools then prove it: qpdf (through pikepdf) walks every
object of a PDF, the zip checks, expat and oletools read every part of a Word document.
"""

from collections.abc import Collection
from pathlib import Path

import magic

from apps.evidence.checks.base import (
    DOCX_MIME,
    EXECUTABLE_SIGNATURES,
    PDF_MIME,
    ZIP_SIGNATURE,
    CheckLimits,
    EvidenceRefused,
    Refusal,
    Sniffed,
)
from apps.evidence.checks.office import docx_check
from apps.evidence.checks.pdf import pdf_check

EXECUTABLE_MIME_TYPES = frozenset({
    "application/x-executable", "application/x-pie-executable", "application/x-sharedlib",
    "application/x-dosexec", "application/x-msdownload", "application/vnd.microsoft.portable-executable",
    "application/x-mach-binary", "application/java-archive", "application/x-java-applet",
    "application/x-shellscript", "text/x-shellscript", "text/x-script.python",
    "application/x-msi", "application/x-ms-shortcut",
})
OLE_MIME_TYPES = frozenset({"application/x-ole-storage", "application/msword", "application/CDFV2"})
# A password-protected Word document is an OLE file with this stream in place of the zip.
OLE_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
DEFAULT_LIMITS = CheckLimits()


def evidence_sniff(
    path: str | Path, *, allowed_mime_types: Collection[str], limits: CheckLimits = DEFAULT_LIMITS
) -> Sniffed:
    """Prove the file at `path` is an allowed PDF or Word document, or raise EvidenceRefused.

    Runs in the calling process, unbounded: the service calls `evidence_sniff_bounded`.
    """
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
        if PDF_MIME not in allowed_mime_types:
            raise EvidenceRefused(Refusal.NOT_ALLOWED, PDF_MIME)
        return pdf_check(path, limits)
    if head.startswith(ZIP_SIGNATURE) or detected in ("application/zip", DOCX_MIME):
        return docx_check(path, allowed=DOCX_MIME in allowed_mime_types)
    if detected in OLE_MIME_TYPES or detected.startswith("application/CDFV2"):
        encrypted = _contains(path, OLE_ENCRYPTED_STREAM)
        raise EvidenceRefused(Refusal.DOCX_ENCRYPTED if encrypted else Refusal.LEGACY_OFFICE, detected)
    raise EvidenceRefused(Refusal.NOT_ALLOWED, detected)


def _contains(path: Path, needle: bytes, chunk: int = 1024 * 1024) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False
