"""In-app notices to staff, e-mailed after commit: assignment, a requester's reply, deadlines, breaches."""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from apps.accounts.models import User
from apps.casework.models import Notification, NotificationKind
from apps.core import clock
from apps.core.enqueue import enqueue_on_commit
from apps.core.errors import ApplicationError
from apps.policy.models import PolicySettings
from apps.sla.notifications import deadline_owed_q
from apps.sla.presenter import stored_moment
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket

logger = logging.getLogger(__name__)

# How far ahead a deadline counts as "within the hour" (issue 5).
DEADLINE_SOON_NOTICE = timedelta(hours=1)
# How far back the breach job looks for the clock's breach events. The sweep records a breach
# within a minute of it; the margin covers a sweep or a beat that was down for a while.
BREACH_NOTICE_LOOKBACK = timedelta(hours=2)
EMAIL_TASK = "casework.notification_emails"  # apps.casework.tasks.notification_emails
EMAILED_KINDS = frozenset(
    {NotificationKind.ASSIGNED, NotificationKind.REQUESTER_REPLIED, NotificationKind.DEADLINE_SOON}
)  # breaches are e-mailed by the clock itself (sla.notify_breach)


@dataclass(frozen=True)
class NotificationRow:
    recipient_id: int
    kind: str
    ticket_id: int
    dedupe_key: str
    data: dict[str, Any] = field(default_factory=dict)


def _queue_emails(notification_ids: list[int]) -> None:
    if notification_ids:
        # robust: a broker that is down must not turn a saved change into an error page.
        enqueue_on_commit(EMAIL_TASK, notification_ids)


def notifications_create_bulk(
    *, rows: Sequence[NotificationRow], email: bool, now: datetime | None = None
) -> int:
    """Create the notices whose key is new, e-mail them after commit, and return how many rows were given.

    Two queries whatever the number of rows: one INSERT that skips keys already present, one read
    of the ids to e-mail.
    """
    if not rows:
        return 0
    created_at = now or clock.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=row.recipient_id,
                kind=row.kind,
                ticket_id=row.ticket_id,
                data=row.data,
                dedupe_key=row.dedupe_key,
                created_at=created_at,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    if email:
        # Not yet e-mailed: the rows just made, and any earlier one whose e-mail was lost.
        ids = list(
            Notification.objects.filter(
                dedupe_key__in=[row.dedupe_key for row in rows],
                emailed_at__isnull=True,
                kind__in=EMAILED_KINDS,
            ).values_list("pk", flat=True)
        )
        _queue_emails(ids)
    return len(rows)


def notification_create(
    *,
    recipient: User,
    kind: NotificationKind,
    ticket: WithdrawalTicket,
    dedupe_key: str,
    data: dict[str, Any] | None = None,
    email: bool = True,
) -> Notification | None:
    """Create one notice (once per `dedupe_key`) and e-mail it after commit; None if it existed."""
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "ticket": ticket,
            "data": data or {},
            "created_at": clock.now(),
        },
    )
    if not created:
        return None
    if email and kind in EMAILED_KINDS:
        _queue_emails([notification.pk])
    return notification


def notification_mark_read(*, notification_id: int, user: User) -> Notification:
    """Mark one of `user`'s notices read (a second time changes nothing)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise ApplicationError(gettext("There is no such notification."), extra={"code": "not_found"})
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of `user` read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


# --------------------------------------------------------------------------------------- wording
def _deadline_name(code: str) -> str:
    if code == "first_contact":
        return pgettext("deadline", "first contact")
    return pgettext("deadline", "decision")


def notification_message(notification: Notification, *, tz: ZoneInfo | None = None) -> str:
    """The notice in one sentence, in the active language."""
    reference = notification.ticket.reference
    data = notification.data
    if notification.kind == NotificationKind.ASSIGNED:
        if data.get("by"):
            return gettext("%(by)s assigned ticket %(reference)s to you.") % {
                "by": data["by"],
                "reference": reference,
            }
        return gettext("Ticket %(reference)s has been assigned to you.") % {"reference": reference}
    if notification.kind == NotificationKind.REQUESTER_MESSAGE:
        return gettext("The requester wrote on ticket %(reference)s.") % {"reference": reference}
    if notification.kind == NotificationKind.REQUESTER_REPLIED:
        return gettext("The requester replied on ticket %(reference)s; it is back with you.") % {
            "reference": reference
        }
    deadline = _deadline_name(data.get("deadline", ""))
    if notification.kind == NotificationKind.DEADLINE_SOON:
        when = stored_moment(data.get("due_at"), tz or timezone.get_default_timezone())
        return gettext("Ticket %(reference)s: the %(deadline)s deadline is at %(time)s, within the hour.") % {
            "reference": reference,
            "deadline": deadline,
            "time": when,
        }
    return gettext("Ticket %(reference)s passed its %(deadline)s deadline.") % {
        "reference": reference,
        "deadline": deadline,
    }


# ---------------------------------------------------------------------------------------- e-mail
def notification_emails_send(*, notification_ids: Sequence[int]) -> int:
    """E-mail these notices not yet e-mailed, one message per recipient; return how many messages.

    The rows stay locked until the messages are sent and marked, so two workers never send one
    twice; a worker that dies after sending and before committing sends it again (at least once).
    """
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=list(notification_ids), emailed_at__isnull=True)
            .select_related("recipient", "ticket")
            .order_by("recipient_id", "created_at", "pk")
        )
        if not notifications:
            return 0
        tz = ZoneInfo(PolicySettings.objects.values_list("time_zone", flat=True).get())
        by_recipient: dict[int, list[Notification]] = defaultdict(list)
        for notification in notifications:
            by_recipient[notification.recipient_id].append(notification)
        sent = 0
        for items in by_recipient.values():
            recipient = items[0].recipient
            if not recipient.email:
                continue
            with translation.override(recipient.preferred_language):
                lines = [notification_message(item, tz=tz) for item in items]
                subject = (
                    f"[Chehui] {lines[0]}"
                    if len(lines) == 1
                    else gettext("[Chehui] %(count)s new notifications") % {"count": len(lines)}
                )
            send_mail(
                subject=subject[:200],
                message="\n".join(lines) + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient.email],
            )
            sent += 1
        Notification.objects.filter(pk__in=[item.pk for item in notifications]).update(emailed_at=clock.now())
        return sent


# ------------------------------------------------------------------------------- periodic checks
def notifications_deadline_soon(*, now: datetime) -> int:
    """Tell each assignee, once per deadline, that a first-contact or decision deadline is under an hour away.

    Two reads and one insert whatever the number of tickets. A deadline that moves (a pause
    shifts the decision deadline) is a new deadline and is told again.
    """
    soon = now + DEADLINE_SOON_NOTICE
    contact = WithdrawalTicket.objects.filter(
        status__in=[TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER],
        assignee__isnull=False,
        first_contact_at__isnull=True,
        first_contact_breached_at__isnull=True,
        first_contact_due_at__gt=now,
        first_contact_due_at__lte=soon,
    ).values_list("pk", "assignee_id", "first_contact_due_at")
    # The decision deadline is paused while a ticket waits on its requester.
    decision = WithdrawalTicket.objects.filter(
        status=TicketStatus.ASSIGNED,
        assignee__isnull=False,
        decision_breached_at__isnull=True,
        decision_due_at__gt=now,
        decision_due_at__lte=soon,
    ).values_list("pk", "assignee_id", "decision_due_at")
    rows = [
        NotificationRow(
            recipient_id=assignee_id,
            kind=NotificationKind.DEADLINE_SOON,
            ticket_id=pk,
            dedupe_key=f"deadline_soon:{deadline}:{pk}:{assignee_id}:{int(due.timestamp())}",
            data={"deadline": deadline, "due_at": due.isoformat()},
        )
        for deadline, query in (("first_contact", contact), ("decision", decision))
        for pk, assignee_id, due in query
        if due is not None  # filtered above; the type does not know
    ]
    return notifications_create_bulk(rows=rows, email=True, now=now)


def notifications_for_breaches(*, now: datetime) -> int:
    """Turn the clock's recent breach events into in-app notices for the agent and the team supervisor.

    The clock already e-mails them (sla.notify_breach), so these are not e-mailed again.
    """
    events = (
        TicketEvent.objects.filter(
            kind=EventKind.DEADLINE_BREACHED,
            occurred_at__gte=now - BREACH_NOTICE_LOOKBACK,
            occurred_at__lte=now,
        )
        .filter(Q(ticket__assignee__isnull=False) | Q(ticket__team__supervisor__isnull=False))
        .filter(deadline_owed_q("ticket__"))  # not for a ticket decided or contacted since
        .values_list(
            "pk", "dedupe_key", "ticket_id", "ticket__assignee_id", "ticket__team__supervisor_id", "data"
        )
    )
    rows = [
        NotificationRow(
            recipient_id=recipient_id,
            kind=NotificationKind.BREACHED,
            ticket_id=ticket_id,
            dedupe_key=f"breached:{key or pk}:{recipient_id}",
            data={"deadline": (data or {}).get("deadline", ""), "event_id": pk},
        )
        for pk, key, ticket_id, assignee_id, supervisor_id, data in events
        for recipient_id in {assignee_id, supervisor_id} - {None}
    ]
    return notifications_create_bulk(rows=rows, email=False, now=now)
