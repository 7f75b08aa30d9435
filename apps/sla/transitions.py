"""Which ticket statuses the clock watches, and the next moment each ticket needs the sweep.

The rule lives in one SQL expression so that every writer (the sweep, submission, recompute)
refreshes `next_transition_at` the same way, in one set-based UPDATE.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce, Least

from apps.tickets.models import TicketStatus, WithdrawalTicket

# Statuses the stage clock and the complaint's resolution deadline apply to.
CLOCKED = (
    TicketStatus.SUBMITTED,
    TicketStatus.RECEIVED,
    TicketStatus.ASSIGNED,
    TicketStatus.WAITING_ON_REQUESTER,
)
# Customer service owes a first contact once the ticket is received.
CONTACT_OWED = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER)
# The handling deadline runs while the ticket is with customer service, not while it waits on the
# requester (the time waited is added to the deadline when the requester answers).
DECISION_OWED = (TicketStatus.RECEIVED, TicketStatus.ASSIGNED)

# SQLite's scalar MIN() is NULL when any argument is; PostgreSQL's LEAST ignores NULLs. A sentinel
# keeps one expression right on both.
NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def _when(condition: Q, column: str) -> Coalesce:
    return Coalesce(
        Case(When(condition, then=F(column)), default=Value(None), output_field=DateTimeField()),
        Value(NEVER),
        output_field=DateTimeField(),
    )


def next_transition_expression() -> Least:
    return Least(
        _when(Q(status=TicketStatus.SUBMITTED), "received_at"),
        _when(Q(status__in=CLOCKED, stage_ends_at__isnull=False), "stage_ends_at"),
        _when(
            Q(status__in=CONTACT_OWED, first_contact_at__isnull=True, first_contact_breached_at__isnull=True),
            "first_contact_due_at",
        ),
        _when(Q(status__in=DECISION_OWED, decision_breached_at__isnull=True), "decision_due_at"),
        _when(Q(status__in=CLOCKED), "complaint_resolution_at"),
        output_field=DateTimeField(),
    )


def next_transition_refresh(ticket_ids: Iterable[int]) -> None:
    """Recompute next_transition_at for these tickets in one UPDATE (NULL when nothing is pending)."""
    ids = list(ticket_ids)
    if not ids:
        return
    WithdrawalTicket.objects.filter(pk__in=ids).update(next_transition_at=next_transition_expression())
    WithdrawalTicket.objects.filter(pk__in=ids, next_transition_at=NEVER).update(next_transition_at=None)
