"""Everything Chehui holds about one requester, as they may see it: a JSON document and their files, zipped.

What goes in is what the portal shows them: their tickets, the events of their timeline, the
messages of the thread (never internal notes), their letters, their identity-check attempts with
the IP masked as the portal masks it, and the files they uploaded themselves. Files are read from
storage in chunks and the archive is written to a temporary file, so memory stays flat.
"""

import hashlib
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from apps.accounts.models import User
from apps.conversation.models import Attachment, MessageKind
from apps.conversation.selectors import REQUESTER_EVENT_KINDS
from apps.core.masking import mask_ip
from apps.evidence.models import EvidenceFile
from apps.evidence.storage import private_storage
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.models import Letter, TicketEvent, WithdrawalTicket

EXPORT_FORMAT_VERSION = 1
DOCUMENT_NAME = "chehui-data.json"
COPY_CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass
class ExportArchive:
    """The finished archive: an open temporary file positioned at its start, and what it holds."""

    file: IO[bytes]
    size: int
    tickets: int
    files: int


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _safe_name(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._")[:80] or "file"


def _ticket_document(ticket: WithdrawalTicket) -> dict[str, Any]:
    letter = Letter.objects.filter(ticket=ticket).first()
    events = TicketEvent.objects.filter(ticket=ticket, kind__in=REQUESTER_EVENT_KINDS).order_by(
        "occurred_at", "id"
    )
    return {
        "reference": ticket.reference,
        "platform": str(ticket.platform),
        "complaint_number": ticket.complaint.number if ticket.complaint else None,
        "complaint_type": str(ticket.complaint_type) if ticket.complaint_type else None,
        "status": ticket.status,
        "created_at": _at(ticket.created_at),
        "submitted_at": _at(ticket.submitted_at),
        "decided_at": _at(ticket.decided_at),
        "decision_reason": ticket.decision_reason,
        "letter": None if letter is None else {
            "complaint_time": _at(letter.complaint_time), "respondent": letter.respondent,
            "reason": letter.reason, "body": letter.body,
        },
        "events": [
            {"kind": event.kind, "at": _at(event.occurred_at), "from": event.from_value, "to": event.to_value}
            for event in events
        ],
        "messages": [
            {"at": _at(message.created_at), "from": message.author_role, "text": message.body,
             "attachments": [attachment.original_name for attachment in message.attachments.all()]}
            for message in ticket.messages.filter(kind=MessageKind.MESSAGE).prefetch_related("attachments")
        ],
        "identity_checks": [
            {"method": attempt.method, "outcome": attempt.outcome, "at": _at(attempt.attempted_at),
             "ip_address": mask_ip(attempt.ip_address)}
            for attempt in IdentityVerificationAttempt.objects.filter(ticket=ticket).order_by("attempted_at")
        ],
    }


def _own_files(requester: User, ticket: WithdrawalTicket) -> list[tuple[str, str, int]]:
    """(stored name, name shown, size) of the files the requester uploaded to this ticket, not yet erased."""
    evidence = EvidenceFile.objects.filter(ticket=ticket, uploaded_by=requester).exclude(file="")
    attachments = Attachment.objects.filter(ticket=ticket, message__author=requester).exclude(file="")
    rows: list[EvidenceFile | Attachment] = [
        *evidence.order_by("uploaded_at", "id"), *attachments.order_by("id"),
    ]
    return [(str(row.file.name), row.original_name, row.size) for row in rows]


def _copy_into(archive: zipfile.ZipFile, stored: str, arcname: str) -> str:
    digest = hashlib.sha256()
    with private_storage.open(stored, "rb") as source, archive.open(arcname, "w", force_zip64=True) as target:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def requester_export_build(*, requester: User, now: datetime) -> ExportArchive:
    """Write the requester's archive: chehui-data.json, then files/<ticket>/<n>-<name> with their SHA-256."""
    tickets = list(
        WithdrawalTicket.objects.filter(requester=requester)
        .select_related("platform", "complaint", "complaint_type").order_by("created_at", "id")
    )
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT_VERSION,
        "generated_at": now.isoformat(),
        "requester": {
            "phone": requester.phone or "", "display_name": requester.display_name,
            "preferred_language": requester.preferred_language, "joined_at": _at(requester.date_joined),
        },
        "tickets": [],
        "files": [],
    }
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for ticket in tickets:
            document["tickets"].append(_ticket_document(ticket))
            for number, (stored, shown, size) in enumerate(_own_files(requester, ticket), start=1):
                arcname = f"files/{ticket.reference}/{number}-{_safe_name(shown)}"
                try:
                    digest = _copy_into(archive, stored, arcname)
                except FileNotFoundError:
                    continue
                document["files"].append(
                    {"ticket": ticket.reference, "name": shown, "path": arcname, "size": size,
                     "sha256": digest}
                )
        archive.writestr(DOCUMENT_NAME, json.dumps(document, ensure_ascii=False, indent=2))
    size = spool.tell()
    spool.seek(0)
    return ExportArchive(file=spool, size=size, tickets=len(tickets), files=len(document["files"]))
