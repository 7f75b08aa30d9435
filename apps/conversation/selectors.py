"""Reading a ticket's thread: one timeline for the portal, the case page and the API.

The timeline merges the messages, the notes (staff only), the ticket's recorded events as system
entries, and (staff only) what the outbox sent the requester. A fixed number of queries whatever
the thread's length.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, pgettext

from apps.casework.models import ContactChannel
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.intake.selectors import event_detail, stage_names
from apps.outbound.models import OutboundMessage
from apps.tickets.models import EventKind, TicketEvent, WithdrawalTicket

MESSAGE_COLUMNS = (
    "id", "ticket_id", "kind", "author_id", "author_role", "author_label", "body", "created_at",
    "answers_request", "requester_read_at", "staff_read_at",
)
AUTHOR_NAME_COLUMNS = ("display_name", "first_name", "last_name", "username")
# Events a requester sees in their thread; the others (identity checks, personal data revealed,
# staff corrections, logged calls) are staff business.
REQUESTER_EVENT_KINDS = frozenset({
    EventKind.SUBMITTED,
    EventKind.RECEIVED,
    EventKind.STAGE_CHANGED,
    EventKind.STATUS_CHANGED,
    EventKind.ASSIGNED,
    EventKind.EVIDENCE_ADDED,
    EventKind.EVIDENCE_REQUESTED,
    EventKind.DEADLINE_BREACHED,
    EventKind.DECIDED,
})
# Shown by their own rows (the message, the outbox row), not as system entries.
NEVER_SYSTEM_ENTRY = frozenset({EventKind.MESSAGE_POSTED, EventKind.NOTICE_SENT, EventKind.NOTICE_FAILED})
# A requester's list of events (the API's timeline): their thread's system entries and their
# messages; never what was sent to them, how they were checked or who looked at their data.
REQUESTER_LISTED_EVENT_KINDS = REQUESTER_EVENT_KINDS | {EventKind.MESSAGE_POSTED}


@dataclass
class ThreadEntry:
    """One line of a thread: a message, an internal note, a system entry or (staff) a delivery."""

    kind: str  # "message", "note", "system", "delivery"
    at: datetime
    role: str  # "requester", "agent", "integration", "system"
    author: str
    text: str
    detail: str = ""
    message: Message | None = None
    attachments: list[Attachment] = field(default_factory=list)
    read_at: datetime | None = None  # when the other side read this message
    delivery: OutboundMessage | None = None
    event_kind: str = ""

    @property
    def is_note(self) -> bool:
        return self.kind == "note"


def _person_name(user: object, label: str) -> str:
    if user is not None:
        return str(getattr(user, "display_name", "") or getattr(user, "username", ""))
    if label == "clock":
        return gettext("Chehui clock")
    if label.startswith("api:"):
        return label.removeprefix("api:")
    return label or gettext("Chehui")


def _message_entry(message: Message) -> ThreadEntry:
    role = str(message.author_role)
    return ThreadEntry(
        kind="note" if message.kind == MessageKind.NOTE else "message",
        at=message.created_at,
        role=role,
        author=message.author_name or gettext("Chehui"),
        text=message.body,
        message=message,
        attachments=message.files(),
        read_at=message.read_at,
    )


def _system_detail(event: TicketEvent, names: dict[str, str], staff: bool) -> str:
    """What an event says beyond its kind, for this reader."""
    data = event.data or {}
    if event.kind == EventKind.EVIDENCE_REQUESTED:
        return str(data.get("message", ""))
    if event.kind == EventKind.DECIDED:
        status = event_detail(event, names)
        reason = str(data.get("reason") or "")
        return f"{status} · {reason}" if reason else status
    if event.kind == EventKind.DEADLINE_BREACHED:
        deadline = data.get("deadline", "")
        return pgettext("deadline", "first contact") if deadline == "first_contact" else pgettext(
            "deadline", "decision"
        )
    if event.kind == EventKind.EVIDENCE_ADDED:
        return event.to_value
    if event.kind == EventKind.CONTACT_LOGGED and staff:
        code = data.get("channel")
        channel = ContactChannel(code).label if code in ContactChannel.values else ""
        met = data.get("met_deadline")
        parts = [str(channel), str(data.get("note") or "")]
        if met is True:
            parts.append(gettext("first contact within its deadline"))
        elif met is False:
            parts.append(gettext("first contact after its deadline"))
        return " · ".join(part for part in parts if part)
    if event.kind == EventKind.ASSIGNED and not staff:
        return ""
    if event.kind in (EventKind.SUBMITTED, EventKind.RECEIVED):
        return ""  # "submitted" needs no "submitted, waiting for service hours" after it
    return event_detail(event, names)


def _system_entry(event: TicketEvent, names: dict[str, str], staff: bool) -> ThreadEntry:
    if staff or event.kind != EventKind.ASSIGNED:
        author = _person_name(event.actor, event.actor_label)
    else:
        author = gettext("Chehui")
    return ThreadEntry(
        kind="system",
        at=event.occurred_at,
        role="system",
        author=author,
        text=str(event.get_kind_display()),
        detail=_system_detail(event, names, staff),
        event_kind=event.kind,
    )


def _delivery_entry(row: OutboundMessage) -> ThreadEntry:
    return ThreadEntry(
        kind="delivery",
        at=row.created_at,
        role="system",
        author=gettext("Chehui"),
        text=row.subject or row.event,
        detail=row.last_error,
        delivery=row,
    )


def thread_messages(*, ticket: WithdrawalTicket, staff: bool) -> QuerySet[Message]:
    """The ticket's messages (and, for staff, notes) with their authors and files, oldest first."""
    return _thread(Message.objects.filter(ticket=ticket), staff=staff)


def thread_messages_by_number(
    *, reference: str, platform_ids: Collection[int], staff: bool
) -> QuerySet[Message]:
    """The same, of the ticket with this number if it is of one of `platform_ids` (else none).

    For an integration's read: the ticket is not read apart. An empty answer does not say whether
    the ticket exists; the caller asks that only then.
    """
    messages = Message.objects.filter(ticket__reference=reference, ticket__platform_id__in=platform_ids)
    return _thread(messages, staff=staff)


def _thread(messages: QuerySet[Message], *, staff: bool) -> QuerySet[Message]:
    if not staff:
        messages = messages.filter(kind=MessageKind.MESSAGE)
    # The author's name only: a user row is wide, and a thread reads one per message.
    return messages.select_related("author").only(
        *MESSAGE_COLUMNS, *(f"author__{name}" for name in AUTHOR_NAME_COLUMNS)
    ).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"), to_attr="attachment_list")
    ).order_by("created_at", "id")


def thread_for(*, ticket: WithdrawalTicket, staff: bool) -> list[ThreadEntry]:
    """The whole timeline of a ticket as `staff` (True) or its requester (False) may read it."""
    entries = [_message_entry(message) for message in thread_messages(ticket=ticket, staff=staff)]
    events = TicketEvent.objects.filter(ticket=ticket).exclude(kind__in=NEVER_SYSTEM_ENTRY)
    if not staff:
        events = events.filter(kind__in=REQUESTER_EVENT_KINDS)
    names = stage_names()
    entries += [_system_entry(event, names, staff) for event in events.select_related("actor")]
    if staff:
        entries += [
            _delivery_entry(row)
            for row in OutboundMessage.objects.filter(ticket=ticket).order_by("created_at", "id")
        ]
    entries.sort(key=lambda entry: entry.at)
    return entries


def ticket_events(*, ticket: WithdrawalTicket, staff: bool) -> QuerySet[TicketEvent]:
    """A ticket's recorded events, oldest first, as `staff` (True) or its requester may list them."""
    events = TicketEvent.objects.filter(ticket=ticket)
    if not staff:
        events = events.filter(kind__in=REQUESTER_LISTED_EVENT_KINDS)
    return events.select_related("actor").order_by("occurred_at", "id")


def unread_by_staff() -> Exists:
    """For a ticket query: whether a requester message waits unread by customer service."""
    return Exists(
        Message.objects.filter(
            ticket=OuterRef("pk"), author_role=AuthorRole.REQUESTER, staff_read_at__isnull=True
        )
    )


def unread_for_requester() -> Coalesce:
    """For a ticket query: how many messages from customer service its requester has not read."""
    unread = (
        Message.objects.filter(
            ticket=OuterRef("pk"), kind=MessageKind.MESSAGE, requester_read_at__isnull=True
        )
        .exclude(author_role=AuthorRole.REQUESTER)
        .order_by()
        .values("ticket")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def newest_message_id(*, ticket: WithdrawalTicket) -> int | None:
    """The newest message's id, read before a page draws the thread: what is marked read after it.

    A message posted while the page is being drawn is then shown but left unread, never the reverse.
    """
    return Message.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True).first()
