"""Serve an evidence file to someone who may see its ticket, so that a browser can never run it."""

import re
from typing import Any, Protocol
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from apps.evidence.checks import EXTENSION_BY_MIME, PDF_MIME, VERIFIABLE_MIME_TYPES
from apps.evidence.models import EvidenceFile
from apps.evidence.selectors import evidence_for_viewer

ASCII_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


class StoredFile(Protocol):
    """A checked, privately stored file: an evidence file or a message's attachment."""

    pk: Any
    file: FieldFile
    original_name: str
    detected_type: str


def download_name(stored: StoredFile, *, stem: str = "evidence") -> str:
    """The sender's file name, ending in the extension of what the file really is."""
    extension = EXTENSION_BY_MIME.get(stored.detected_type)
    name = stored.original_name or f"{stem}-{stored.pk}"
    if extension and not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    return name


def content_disposition(disposition: str, filename: str, *, fallback_stem: str) -> str:
    """A Content-Disposition value: a plain ASCII name for old clients, RFC 5987 UTF-8 for the rest."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = ASCII_NAME_UNSAFE.sub("", stem).strip(" .") or fallback_stem
    fallback = f"{ascii_stem}.{ASCII_NAME_UNSAFE.sub('', extension)}" if extension else ascii_stem
    if fallback == filename:
        return f'{disposition}; filename="{fallback}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A PDF opens in the browser's viewer; a Word document is downloaded. 404 for anyone else's."""
    evidence = evidence_for_viewer(user=request.user, pk=pk)  # type: ignore[arg-type]
    return evidence_file_response(evidence)


def evidence_file_response(evidence: EvidenceFile) -> FileResponse:
    """The stored evidence file, locked down; the caller has already checked the viewer may see it."""
    return stored_file_response(evidence, stem="evidence")


def stored_file_response(stored: StoredFile, *, stem: str) -> FileResponse:
    """A checked file, locked down: a PDF opens in the browser's viewer, a Word document downloads.

    The caller has already checked that the viewer may see it. `stem` names the file when its
    sender gave no usable name ("evidence-12.pdf", "attachment-7.docx").
    """
    if not stored.file:  # erased at the end of its retention period (apps.privacy): only its row is left
        raise Http404("The file was erased when its retention period ended.")
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc
    known = stored.detected_type in VERIFIABLE_MIME_TYPES
    content_type = stored.detected_type if known else "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    disposition = "inline" if stored.detected_type == PDF_MIME else "attachment"
    response["Content-Disposition"] = content_disposition(
        disposition, download_name(stored, stem=stem), fallback_stem=f"{stem}-{stored.pk}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Chromium refuses to open its PDF viewer in a sandboxed document, so an inline PDF gets a
    # lock-down policy instead (the upload checks already refuse PDFs that run scripts).
    response["Content-Security-Policy"] = (
        "default-src 'none'; frame-ancestors 'self'" if disposition == "inline" else "sandbox"
    )
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"
    return response
