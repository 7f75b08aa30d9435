"""Deadline notices: breach e-mails to the agent and the supervisor, and withdrawing stale notices.

A notice about a deadline is true only while the deadline is owed. Each path checks that at the
moment it tells: the breach e-mail when it is sent, the in-app breach notices when they are made
(`deadline_owed_q`), and the unread in-app notices of a ticket are withdrawn (deleted) as soon as
it is decided, contacted or starts waiting on its requester (`deadline_notices_withdraw`).
"""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from apps.casework.models import Notification, NotificationKind
from apps.sla.presenter import exact
from apps.tickets.models import OPEN_STATUSES, EventKind, TicketEvent, TicketStatus, WithdrawalTicket

FIRST_CONTACT, DECISION = "first_contact", "decision"
DEADLINE_NOTICE_KINDS = (NotificationKind.DEADLINE_SOON, NotificationKind.BREACHED)
# The events after which a deadline notice may have stopped being true.
SETTLING_EVENTS = frozenset(
    {EventKind.DECIDED, EventKind.CONTACT_LOGGED, EventKind.STATUS_CHANGED, EventKind.EVIDENCE_REQUESTED}
)


def deadline_owed(ticket: WithdrawalTicket, deadline: str) -> bool:
    """Whether the ticket still owes this deadline: it is open and what the deadline asks is not done."""
    if ticket.status not in OPEN_STATUSES:
        return False
    if deadline == FIRST_CONTACT:
        return ticket.first_contact_at is None
    return ticket.decided_at is None


def deadline_owed_q(prefix: str = "ticket__") -> Q:
    """`deadline_owed` in SQL, for rows whose JSON `data` names the deadline (events, notices)."""
    return Q(**{f"{prefix}status__in": OPEN_STATUSES}) & (
        Q(data__deadline=FIRST_CONTACT, **{f"{prefix}first_contact_at__isnull": True})
        | Q(data__deadline=DECISION, **{f"{prefix}decided_at__isnull": True})
    )


def deadline_notices_withdraw(*, ticket: WithdrawalTicket) -> int:
    """Delete the ticket's unread deadline notices that are no longer true; return how many.

    A notice already read stays: its reader saw it. A decision "within the hour" notice goes when
    the ticket starts waiting on its requester: that deadline is paused, and told again once it runs.
    """
    stale = Q()
    if ticket.status not in OPEN_STATUSES:
        stale = Q(kind__in=DEADLINE_NOTICE_KINDS)
    else:
        if ticket.first_contact_at is not None:
            stale |= Q(data__deadline=FIRST_CONTACT)
        if ticket.status == TicketStatus.WAITING_ON_REQUESTER:
            stale |= Q(kind=NotificationKind.DEADLINE_SOON, data__deadline=DECISION)
    if not stale:
        return 0
    deleted, _by_model = (
        Notification.objects.filter(ticket_id=ticket.pk, read_at__isnull=True, kind__in=DEADLINE_NOTICE_KINDS)
        .filter(stale)
        .delete()
    )
    return deleted


def on_event_saved(
    sender: type, instance: TicketEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Withdraw stale deadline notices in the transaction of the change that settled them."""
    if created and not raw and instance.kind in SETTLING_EVENTS:
        deadline_notices_withdraw(ticket=instance.ticket)


def _deadline_name(code: str) -> str:
    if code == FIRST_CONTACT:
        return pgettext("deadline", "first contact")
    return pgettext("deadline", "decision")


def breach_notify(*, event_key: str) -> bool:
    """Send the notice for one breach event; False when there is nobody to tell or nothing to tell.

    The ticket is read as it is now: a deadline met, or a ticket decided, since the breach is not
    told (the notice would arrive after the fact it warns of).
    """
    event = (
        TicketEvent.objects.select_related("ticket__assignee", "ticket__team__supervisor")
        .filter(dedupe_key=event_key)
        .first()
    )
    if event is None:
        return False
    ticket = event.ticket
    deadline = str(event.data.get("deadline", ""))
    if not deadline_owed(ticket, deadline):
        return False
    people = {
        person.email: person
        for person in (ticket.assignee, ticket.team.supervisor if ticket.team else None)
        if person is not None and person.email
    }
    if not people:
        return False
    by_language: dict[str, list[str]] = defaultdict(list)
    for email, person in sorted(people.items()):
        by_language[person.preferred_language or settings.LANGUAGE_CODE].append(email)
    tz = timezone.get_default_timezone()
    for language, recipients in by_language.items():
        with translation.override(language):
            name = _deadline_name(deadline)
            subject = gettext("[Chehui] %(reference)s: %(deadline)s deadline passed") % {
                "reference": ticket.reference,
                "deadline": name,
            }
            message = gettext(
                "Ticket %(reference)s passed its %(deadline)s deadline at %(time)s with nothing recorded."
            ) % {"reference": ticket.reference, "deadline": name, "time": exact(event.occurred_at, tz)}
        send_mail(
            subject=subject,
            message=message + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return True
