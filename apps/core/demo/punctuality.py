"""How well the demo's tickets keep their deadlines: most on time, some late, a few missed.

A team that mostly keeps up meets nine deadlines in ten: the first contact within the policy's
hours of the filing and the decision within the platform's handling time. Each ticket draws how
punctual it is; the filing times, the calls and the decisions are then timed to match, and a
deadline passed before the ticket closed is marked breached the way the clock marks an open one.
Every draw comes from the world's seeded generator, so one seed gives one history.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from apps.core.demo.world import ServiceHours, World
from apps.sla.deadlines import ticket_clock
from apps.tickets.models import TicketStatus, WithdrawalTicket

ON_TIME, LATE, MISSED = "on_time", "late", "missed"
FIRST_CONTACT, DECISION = "first_contact", "decision"  # as the clock names them in breach events
# Shares of tickets by how they keep each deadline (the dashboard then shows about 90 %).
CONTACT_WEIGHTS = {ON_TIME: 91, LATE: 5, MISSED: 4}
DECISION_WEIGHTS = {ON_TIME: 97, LATE: 2, MISSED: 1}
# A call on time needs the complaint filed in service hours, with time left that day for the
# requester's intake (about an hour) and the call after it.
CALL_ROOM = (timedelta(minutes=30), timedelta(minutes=150))
# The clock keeps no deadline for these (open ones get theirs from the clock itself).
S = TicketStatus
CLOSED_WITH_CLOCK = (S.APPROVED, S.REFUSED, S.ROUTED, S.EXPIRED, S.CANCELLED)


@dataclass(frozen=True)
class Punctuality:
    contact: str = ON_TIME
    decision: str = ON_TIME


def punctuality_draw(rng: Random) -> Punctuality:
    """How this ticket will keep its first-contact and decision deadlines."""
    contact = rng.choices(list(CONTACT_WEIGHTS), weights=list(CONTACT_WEIGHTS.values()))[0]
    decision = rng.choices(list(DECISION_WEIGHTS), weights=list(DECISION_WEIGHTS.values()))[0]
    return Punctuality(contact=contact, decision=decision)


def call_possible(hours: ServiceHours, filed_at: datetime) -> bool:
    """Whether customer service can call within the first-contact hours of this filing."""
    return all(hours.is_open(filed_at + room) for room in CALL_ROOM)


def resolved_by(world: World, *, platform: str, complaint_type: str, filed_at: datetime) -> datetime:
    """When the complaint's own handling time ends: the clock expires a ticket still open then."""
    clock = ticket_clock(
        world.clock, platform=platform, complaint_type=complaint_type, filed_at=filed_at,
        submitted_at=filed_at,
    )
    return clock.complaint_resolution_at


def in_service_between(rng: Random, hours: ServiceHours, start: datetime, end: datetime) -> datetime | None:
    """A moment in service hours strictly between `start` and `end`, or None when none turns up."""
    if end - start < timedelta(minutes=2):
        return None
    for _ in range(8):
        at = start + (end - start) * rng.uniform(0.05, 0.95)
        if hours.is_open(at):
            return at.replace(microsecond=0)
    return None


def deadlines_settle(world: World, ticket: WithdrawalTicket, ended: datetime) -> list[tuple[str, datetime]]:
    """Give a ticket the deadlines its clock had; return those it passed before `ended`, and when.

    The clock stores deadlines only on open tickets (apps.sla.services.clock_recompute) and marks
    a breach only while the ticket owes the action; a seeded history must show what it left behind.
    """
    if ticket.received_at is None or ticket.complaint is None or ticket.submitted_at is None:
        return []  # never reached customer service (a draft, a fraud report refused at intake)
    clock = ticket_clock(
        world.clock, platform=ticket.platform.code, complaint_type=ticket.complaint.complaint_type.code,
        filed_at=ticket.complaint.filed_at, submitted_at=ticket.submitted_at, at=ended,
        paused=timedelta(seconds=ticket.paused_seconds),
    )
    ticket.first_contact_due_at = contact_due = clock.first_contact_due_at
    ticket.decision_due_at = decision_due = clock.decision_due_at
    ticket.complaint_resolution_at = clock.complaint_resolution_at
    ticket.deadlines_provisional = clock.provisional
    breaches: list[tuple[str, datetime]] = []
    contacted = ticket.first_contact_at
    if (contacted is not None and contacted > contact_due) or (contacted is None and contact_due < ended):
        ticket.first_contact_breached_at = max(contact_due, ticket.received_at)
        breaches.append((FIRST_CONTACT, ticket.first_contact_breached_at))
    decided = ticket.decided_at
    if (decided is not None and decided > decision_due) or (
        decided is None and ticket.status in CLOSED_WITH_CLOCK and decision_due < ended
    ):
        ticket.decision_breached_at = max(decision_due, ticket.received_at)
        breaches.append((DECISION, ticket.decision_breached_at))
    return breaches
