"""Writes of evidence: add a checked file to a ticket, remove one from a draft.

The content checks are the pure `apps.evidence.checks`; here the upload is streamed to a
temporary file (never more than the policy's limit plus one chunk is read), proved in a child
process within the policy's time and memory limits, stored under an opaque name in private
storage and recorded on the ticket's event log. The messages of refusals are in `refusals`.
"""

import hashlib
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.evidence.checks import (
    VERIFIABLE_MIME_TYPES,
    CheckLimits,
    EvidenceRefused,
    Sniffed,
    evidence_sniff_bounded,
    size_check,
)
from apps.evidence.models import EvidenceFile
from apps.evidence.refusals import refusal_message
from apps.policy.models import DocumentRequirement, EvidenceFormat, EvidenceTier, PolicySettings
from apps.tickets.events import event_record
from apps.tickets.models import OPEN_STATUSES, EventKind, TicketStatus, WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
ORIGINAL_NAME_MAX_LENGTH = 255
EVENT_VALUE_MAX_LENGTH = 200


@dataclass(frozen=True)
class ReceivedUpload:
    """The upload as it landed in a temporary file."""

    size: int
    sha256: str
    sniffed: Sniffed


def _formats() -> list[EvidenceFormat]:
    return [fmt for fmt in EvidenceFormat.objects.all() if fmt.mime_type in VERIFIABLE_MIME_TYPES]


def _refuse(
    refused: EvidenceRefused, *, formats: list[EvidenceFormat], policy: PolicySettings
) -> ApplicationError:
    message = refusal_message(
        refused, formats=formats, max_bytes=policy.max_evidence_bytes, max_pages=policy.max_pdf_pages
    )
    return ApplicationError(message, extra={"code": str(refused.code), "field": "file"})


def check_limits(policy: PolicySettings) -> CheckLimits:
    """What checking one file may cost, from the policy."""
    return CheckLimits(
        max_pdf_pages=policy.max_pdf_pages,
        max_pdf_objects=policy.max_pdf_objects,
        seconds=float(policy.evidence_check_seconds),
        memory_bytes=policy.evidence_check_memory_mb * 1024 * 1024,
    )


def original_name_clean(name: str) -> str:
    """The file's own name without folders or control characters, at most 255 characters."""
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > ORIGINAL_NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: ORIGINAL_NAME_MAX_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:ORIGINAL_NAME_MAX_LENGTH]
    return name or "evidence"


def _declared_size(file: UploadedFile | IO[bytes]) -> int | None:
    """The size the upload announces, if it can tell without being read."""
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    try:
        here = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end - here


def _chunks(file: UploadedFile | IO[bytes]) -> Iterator[bytes]:
    if isinstance(file, UploadedFile):
        yield from file.chunks(CHUNK_BYTES)
        return
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def _receive(
    file: UploadedFile | IO[bytes],
    target: IO[bytes],
    *,
    policy: PolicySettings,
    formats: list[EvidenceFormat],
) -> ReceivedUpload:
    """Stream the upload into `target` while counting and hashing it, then prove its content."""
    max_bytes = policy.max_evidence_bytes
    declared = _declared_size(file)
    digest = hashlib.sha256()
    size = 0
    try:
        if declared is not None:
            size_check(declared, max_bytes=max_bytes)
        for chunk in _chunks(file):
            size += len(chunk)
            if size > max_bytes:  # a declared size can be wrong: stop reading at the limit
                size_check(size, max_bytes=max_bytes)
            digest.update(chunk)
            target.write(chunk)
        target.flush()
        size_check(size, max_bytes=max_bytes)
        sniffed = evidence_sniff_bounded(
            target.name, allowed_mime_types={fmt.mime_type for fmt in formats}, limits=check_limits(policy)
        )
    except EvidenceRefused as refused:
        logger.info("evidence refused: %s", refused)
        raise _refuse(refused, formats=formats, policy=policy) from refused
    return ReceivedUpload(size=size, sha256=digest.hexdigest(), sniffed=sniffed)


def upload_receive_checked(file: UploadedFile | IO[bytes], target: IO[bytes]) -> ReceivedUpload:
    """Stream an upload into `target` and prove its content as evidence is proved; raise if refused.

    For files that arrive another way than as evidence (a message's attachments): the same size
    limit, formats and content checks, and the same refusal messages.
    """
    return _receive(file, target, policy=PolicySettings.objects.get(), formats=_formats())


def _open_ticket_check(ticket: WithdrawalTicket) -> None:
    if ticket.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Evidence can no longer be added: this ticket is %(status)s.")
            % {"status": ticket.get_status_display()},
            extra={"code": "ticket_closed", "status": ticket.status},
        )


def _may_add_check(ticket: WithdrawalTicket, user: User | None) -> None:
    if user is not None and not ticket_visible_to(user=user).filter(pk=ticket.pk).exists():
        raise ApplicationError(
            _("You cannot add evidence to this ticket."), extra={"code": "not_allowed"}
        )


def evidence_upload(
    *,
    ticket: WithdrawalTicket,
    uploaded_by: User | None,
    file: UploadedFile | IO[bytes],
    original_name: str,
    tier: EvidenceTier,
    document: DocumentRequirement | None = None,
) -> EvidenceFile:
    """Check a file's content, store it privately and attach it to an open ticket.

    The file is read and proved before the ticket is locked, so a 20 MB upload never holds the
    row; the ticket's state and the duplicate check are then made again under the lock. Raises
    ApplicationError (extra["code"]) for a refused file, a closed ticket or a file already there.
    `uploaded_by` None is a system upload (an integration), which the caller has authorised.
    """
    _open_ticket_check(ticket)
    _may_add_check(ticket, uploaded_by)
    policy = PolicySettings.objects.get()
    formats = _formats()
    name = original_name_clean(original_name)
    with tempfile.NamedTemporaryFile(prefix="evidence-", suffix=".upload") as target:
        received = _receive(file, target, policy=policy, formats=formats)
        with transaction.atomic():
            locked = WithdrawalTicket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
            _open_ticket_check(locked)
            existing = EvidenceFile.objects.filter(ticket=locked, sha256=received.sha256).first()
            if existing is not None:
                raise ApplicationError(
                    _("This file is already attached to this ticket, as “%(name)s”.")
                    % {"name": existing.original_name},
                    extra={"code": "duplicate", "field": "file", "evidence_id": existing.pk},
                )
            evidence = EvidenceFile(
                ticket=locked, tier=tier, document=document, original_name=name,
                detected_type=received.sniffed.mime_type, size=received.size, sha256=received.sha256,
                uploaded_by=uploaded_by,
            )
            target.seek(0)
            evidence.file.save(name, File(target), save=False)
            try:
                evidence.save()
                _record_added(locked, evidence, uploaded_by)
            except BaseException:
                evidence.file.storage.delete(str(evidence.file.name))
                raise
    ticket.version, ticket.updated_at = locked.version, locked.updated_at
    return evidence


def _record_added(ticket: WithdrawalTicket, evidence: EvidenceFile, actor: User | None) -> None:
    ticket.version += 1
    ticket.save(update_fields=["version", "updated_at"])
    event_record(
        ticket=ticket, kind=EventKind.EVIDENCE_ADDED, actor=actor,
        actor_label="" if actor is not None else "system",
        to_value=evidence.original_name[:EVENT_VALUE_MAX_LENGTH],
        data=_event_data(evidence),
    )


def _event_data(evidence: EvidenceFile) -> dict[str, Any]:
    return {
        "evidence_id": evidence.pk,
        "tier": evidence.tier.code,
        "document": evidence.document.code if evidence.document else None,
        "detected_type": evidence.detected_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, actor: User) -> None:
    """Remove a file from a draft ticket: only its requester may, and only before submission.

    Once submitted, evidence stays: an agent may already have relied on it.
    """
    ticket = WithdrawalTicket.objects.select_for_update(of=("self",)).get(pk=evidence.ticket_id)
    if ticket.requester_id is None or ticket.requester_id != actor.pk:
        raise ApplicationError(
            _("You cannot remove evidence from this ticket."), extra={"code": "not_allowed"}
        )
    if ticket.status != TicketStatus.DRAFT:
        raise ApplicationError(
            _("Evidence can be removed only before the ticket is submitted."),
            extra={"code": "ticket_submitted", "status": ticket.status},
        )
    evidence = EvidenceFile.objects.select_related("tier", "document").get(pk=evidence.pk, ticket=ticket)
    data = _event_data(evidence)
    stored_name = str(evidence.file.name)
    evidence.delete()
    ticket.version += 1
    ticket.save(update_fields=["version", "updated_at"])
    event_record(
        ticket=ticket, kind=EventKind.NOTE, actor=actor,
        from_value=evidence.original_name[:EVENT_VALUE_MAX_LENGTH],
        data={"action": "evidence_removed", **data},
    )
    storage = evidence.file.storage
    transaction.on_commit(lambda: storage.delete(stored_name))
