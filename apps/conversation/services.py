"""Writing to a ticket's thread: messages both ways, internal notes, read marks, filing attachments.

A message's files are read and proved (the evidence checks) before the ticket is locked, so a
large upload never holds the row; the message, its files and its event are then written in one
transaction under the ticket's lock, so a decision taken at the same moment sees it or not at all.
"""

import logging
import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.casework.models import NotificationKind
from apps.casework.services.actions import (
    evidence_added_since_request,
    first_contact_settle,
    nothing_added_refusal,
    requester_resume,
)
from apps.casework.services.common import (
    WORK_PERMISSION,
    refuse,
    require_handler,
    ticket_lock,
    ticket_lock_columns,
)
from apps.casework.services.notifications import NotificationRow, notifications_create_bulk
from apps.conversation.models import MESSAGE_MAX_LENGTH, Attachment, AuthorRole, Message, MessageKind
from apps.conversation.rules import reply_adds_something, reply_mentions_file
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.evidence.services import (
    ReceivedUpload,
    evidence_upload,
    original_name_clean,
    upload_receive_checked,
)
from apps.evidence.storage import private_storage
from apps.policy.models import DocumentRequirement, EvidenceTier
from apps.tickets.events import event_new, event_record, event_record_with
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to

logger = logging.getLogger(__name__)

# Where a thread is open to new messages: from submission to the decision.
MESSAGE_STATUSES = (
    TicketStatus.SUBMITTED,
    TicketStatus.RECEIVED,
    TicketStatus.ASSIGNED,
    TicketStatus.WAITING_ON_REQUESTER,
)
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the stream and the name its sender gave it."""

    file: UploadedFile | IO[bytes]
    name: str


@dataclass(frozen=True)
class _Checked:
    upload: Upload
    target: IO[bytes]
    received: ReceivedUpload


def _refuse_text(body: str, uploads: Sequence[Upload]) -> str:
    body = body.strip()
    if not body and not uploads:
        raise refuse(gettext("Write a message or attach a file."), "invalid", field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise refuse(
            gettext("A message can be at most %(limit)s characters; this one has %(length)s.")
            % {"limit": MESSAGE_MAX_LENGTH, "length": len(body)},
            "invalid",
            field="body",
        )
    if len(uploads) > MAX_ATTACHMENTS:
        raise refuse(
            gettext("Attach at most %(limit)s files to one message; send the others in another.")
            % {"limit": MAX_ATTACHMENTS},
            "invalid",
            field="attachments",
        )
    return body


def _check_uploads(uploads: Sequence[Upload], stack: ExitStack) -> list[_Checked]:
    """Prove every file before anything is written; the first refusal names the file it refused."""
    checked = []
    seen: set[str] = set()
    for upload in uploads:
        target = stack.enter_context(tempfile.NamedTemporaryFile(prefix="message-", suffix=".upload"))  # noqa: SIM115
        try:
            received = upload_receive_checked(upload.file, target)
        except ApplicationError as error:
            raise refuse(
                gettext("“%(name)s”: %(reason)s")
                % {"name": original_name_clean(upload.name), "reason": error.message},
                error.extra.get("code", "invalid"),
                field="attachments",
            ) from error
        if received.sha256 in seen:
            continue  # the same file twice in one message is kept once
        seen.add(received.sha256)
        checked.append(_Checked(upload, target, received))
    return checked


def _store(message: Message, checked: Sequence[_Checked], stored: list[str]) -> list[Attachment]:
    attachments = []
    for item in checked:
        attachment = Attachment(
            message=message, ticket_id=message.ticket_id, original_name=original_name_clean(item.upload.name),
            detected_type=item.received.sniffed.mime_type, size=item.received.size,
            sha256=item.received.sha256,
        )
        item.target.seek(0)
        attachment.file.save(attachment.original_name, File(item.target), save=False)
        stored.append(str(attachment.file.name))
        attachments.append(attachment)
    written = Attachment.objects.bulk_create(attachments)
    # Message.files() answers from these, as it does from the thread's read.
    message.attachment_list = written  # type: ignore[attr-defined]
    return written


def _person(author: User | None) -> User:
    if author is None:
        raise refuse(gettext("Only a signed-in person can write as a requester or an agent."), "forbidden")
    return author


def _requester_check(ticket: WithdrawalTicket, author: User) -> None:
    if ticket.requester_id != author.pk:
        raise refuse(gettext("There is no such ticket."), "not_found")


def _open_check(ticket: WithdrawalTicket) -> None:
    if ticket.status not in MESSAGE_STATUSES:
        raise refuse(
            gettext("This ticket is %(status)s: its conversation is closed.")
            % {"status": TicketStatus(ticket.status).label},
            "wrong_status",
            status=ticket.status,
        )


def _answer_check(ticket: WithdrawalTicket, body: str, files: int) -> None:
    """Refuse a reply to an evidence request that adds nothing, or speaks of a file it lacks."""
    if files or evidence_added_since_request(ticket):
        return
    if reply_mentions_file(body):
        raise refuse(
            gettext(
                "Your reply mentions a file, but none is attached: attach it with the paper-clip "
                "button, then send again."
            ),
            "nothing_added",
            field="attachments",
        )
    if not reply_adds_something(body):
        raise nothing_added_refusal()


@contextmanager
def _writing(uploads: Sequence[Upload]) -> Iterator[tuple[list[_Checked], list[str]]]:
    """Prove the files, then open the transaction; files stored in it are removed if it fails.

    Yields the proved files and the list `_store` adds each stored file's name to.
    """
    stored: list[str] = []
    with ExitStack() as stack:
        checked = _check_uploads(uploads, stack)
        try:
            with transaction.atomic():
                yield checked, stored
        except BaseException:
            for name in stored:
                private_storage.delete(name)
            raise


# What posting a message reads of the locked ticket (see `ticket_lock_columns`).
MESSAGE_LOCK_COLUMNS = (
    "id", "reference", "requester_id", "assignee_id", "platform_id", "status", "version", "updated_at",
    "first_contact_at", "first_contact_due_at", "first_contact_breached_at",
)


def message_post(
    *,
    ticket_id: int | None = None,
    reference: str | None = None,
    platform_ids: Collection[int] | None = None,
    author: User | None,
    role: AuthorRole,
    body: str,
    uploads: Sequence[Upload] = (),
    answers_request: bool | None = None,
    author_label: str = "",
) -> Message:
    """Add a message to a ticket's thread from its requester, its agent or an integration.

    A requester's message on a ticket waiting for them answers the request unless they say it
    does not (`answers_request=False`, a question); an answer must add something, and then brings
    the ticket back with the wait added to the decision deadline. An agent's first message is
    the ticket's first contact. Integrations are authorised by their caller, or name the ticket
    by its number among their `platform_ids`: the statement that locks it is then the access
    check (not_found for a ticket outside them).
    """
    body = _refuse_text(body, uploads)
    with _writing(uploads) as (checked, stored):
        ticket = ticket_lock_columns(
            columns=MESSAGE_LOCK_COLUMNS, ticket_id=ticket_id, reference=reference, platform_ids=platform_ids
        )
        if role == AuthorRole.REQUESTER:
            _requester_check(ticket, _person(author))
        elif role == AuthorRole.AGENT:
            require_handler(ticket, _person(author))
        _open_check(ticket)
        now = clock.now()
        answers = bool(
            role == AuthorRole.REQUESTER
            and ticket.status == TicketStatus.WAITING_ON_REQUESTER
            and answers_request is not False
        )
        if answers:
            ticket.refresh_from_db()  # the answer resumes the ticket: that reads most of the row
            _answer_check(ticket, body, len(checked))
        message = Message(
            ticket=ticket, kind=MessageKind.MESSAGE, author=author, author_role=role,
            author_label=author_label, body=body, created_at=now, answers_request=answers,
        )
        _record(ticket, message, len(checked), now)
        _store(message, checked, stored)
        if answers:
            requester_resume(ticket, requester=_person(author), now=now, reason="requester_answered")
        elif role == AuthorRole.REQUESTER:
            _tell_assignee(ticket, message)
        else:
            _first_contact(ticket, message, now)
    return message


def _record(ticket: WithdrawalTicket, message: Message, attachments: int, now: datetime) -> None:
    """Insert the new message with the event that records it (one statement on PostgreSQL)."""
    event = event_new(
        ticket=ticket, kind=EventKind.MESSAGE_POSTED, actor=message.author, actor_label=message.author_label,
        to_value=message.author_role, occurred_at=now, data={"attachments": attachments},
    )
    event_record_with(message, event, key="message_id")


def _tell_assignee(ticket: WithdrawalTicket, message: Message) -> None:
    if ticket.assignee_id is None:
        return
    notifications_create_bulk(
        rows=[
            NotificationRow(
                recipient_id=ticket.assignee_id, kind=NotificationKind.REQUESTER_MESSAGE, ticket_id=ticket.pk,
                dedupe_key=f"requester_message:{message.pk}", data={"message_id": message.pk},
            )
        ],
        email=False,
    )


def _first_contact(ticket: WithdrawalTicket, message: Message, now: datetime) -> None:
    """An agent's (or platform's) first message to the requester is the ticket's first contact."""
    if ticket.status == TicketStatus.SUBMITTED:
        return  # not yet received: the first-contact clock has not started
    settled = first_contact_settle(ticket, now)
    if settled is None:
        return
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=["first_contact_at", "version", "updated_at"])
    event_record(
        ticket=ticket, kind=EventKind.CONTACT_LOGGED, actor=message.author, actor_label=message.author_label,
        to_value="in_app", occurred_at=now,
        data={"channel": "in_app", "note": "", "first": True, "message_id": message.pk, **settled},
    )


def note_post(*, ticket_id: int, author: User, body: str, uploads: Sequence[Upload] = ()) -> Message:
    """Add an internal note: staff who may see the ticket read it; it reaches the requester by no channel."""
    body = _refuse_text(body, uploads)
    if not (author.is_active and author.has_perm(WORK_PERMISSION)):
        raise refuse(gettext("Only customer service can write internal notes."), "forbidden")
    with _writing(uploads) as (checked, stored):
        ticket = ticket_lock(ticket_id=ticket_id, expected_version=None)
        if not ticket_visible_to(user=author).filter(pk=ticket.pk).exists():
            raise refuse(gettext("There is no such ticket."), "not_found")
        # No event: events reach webhooks, and a note reaches nobody outside.
        note = Message.objects.create(
            ticket=ticket, kind=MessageKind.NOTE, author=author, author_role=AuthorRole.AGENT,
            body=body, created_at=clock.now(),
        )
        _store(note, checked, stored)
    return note


def thread_mark_read(
    *, ticket: WithdrawalTicket, by_requester: bool, up_to_id: int | None = None, now: datetime | None = None
) -> int:
    """Mark the other side's messages read by this side; return how many were unread. One UPDATE.

    `up_to_id` is the newest message the reader was shown: one posted while the page was being
    read stays unread.
    """
    now = now or clock.now()
    messages = Message.objects.filter(ticket=ticket, kind=MessageKind.MESSAGE)
    if up_to_id is not None:
        messages = messages.filter(pk__lte=up_to_id)
    if by_requester:
        unread = messages.filter(requester_read_at__isnull=True).exclude(author_role=AuthorRole.REQUESTER)
        return unread.update(requester_read_at=now)
    unread = messages.filter(author_role=AuthorRole.REQUESTER, staff_read_at__isnull=True)
    return unread.update(staff_read_at=now)


def attachment_file_as_evidence(
    *, attachment_id: int, agent: User, tier: EvidenceTier, document: DocumentRequirement | None = None
) -> EvidenceFile:
    """File a message's attachment as evidence of a tier (and document); once per attachment.

    The file goes through `evidence_upload` again, so the ticket's evidence obeys one set of rules
    whichever way it came; the same file already in the evidence is linked, not copied.
    """
    attachment = (
        Attachment.objects.select_related("ticket", "message", "evidence").filter(pk=attachment_id).first()
    )
    if attachment is None or not ticket_visible_to(user=agent).filter(pk=attachment.ticket_id).exists():
        raise refuse(gettext("There is no such attachment."), "not_found")
    require_handler(attachment.ticket, agent)
    if attachment.evidence_id is not None:
        raise refuse(
            gettext("This file is already filed as evidence, as “%(name)s”.")
            % {"name": attachment.evidence.original_name if attachment.evidence else ""},
            "duplicate",
        )
    if attachment.erased:
        raise refuse(
            gettext(
                "This file was erased when its retention period ended, so it cannot be filed as evidence."
            ),
            "erased",
        )
    existing = EvidenceFile.objects.filter(ticket_id=attachment.ticket_id, sha256=attachment.sha256).first()
    if existing is None:
        with attachment.file.open("rb") as stream:
            existing = evidence_upload(
                ticket=attachment.ticket, uploaded_by=agent, file=stream,
                original_name=attachment.original_name, tier=tier, document=document,
            )
    linked = Attachment.objects.filter(pk=attachment.pk, evidence__isnull=True).update(evidence=existing)
    if not linked:
        raise refuse(gettext("This file was filed as evidence a moment ago."), "duplicate")
    return existing
