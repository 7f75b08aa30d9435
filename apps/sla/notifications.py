"""Breach notices by e-mail to the ticket's agent and the team's supervisor."""

from django.conf import settings
from django.core.mail import send_mail

from apps.tickets.models import TicketEvent

DEADLINE_NAMES = {"first_contact": "first contact", "decision": "decision"}


def breach_notify(*, event_key: str) -> bool:
    """Send the notice for one breach event; False when there is nobody to tell."""
    event = (
        TicketEvent.objects.select_related("ticket__assignee", "ticket__team__supervisor")
        .filter(dedupe_key=event_key)
        .first()
    )
    if event is None:
        return False
    ticket = event.ticket
    recipients = sorted(
        {
            person.email
            for person in (ticket.assignee, ticket.team.supervisor if ticket.team else None)
            if person is not None and person.email
        }
    )
    if not recipients:
        return False
    deadline = DEADLINE_NAMES.get(event.data.get("deadline", ""), "a")
    send_mail(
        subject=f"[Chehui] {ticket.reference}: {deadline} deadline passed",
        message=(
            f"Ticket {ticket.reference} passed its {deadline} deadline at "
            f"{event.occurred_at.isoformat()} (UTC) with nothing recorded.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return True
