"""What the clock does to one ticket at a moment: pure rules, no database.

`advance` takes a ticket's clock columns and returns the changes due by `now` (receipt, expiry,
stages passed, breaches) with the events they record; `next_transition` is the one rule for the
next moment a ticket needs the sweep. The sweep, submission and every later writer use these; the
sweep's one-statement PostgreSQL batch (`sweep.SWEEP_SQL`) states the same rule in SQL, and
tests/sla/test_sweep_sql.py holds the two to the same answers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from apps.tickets.models import EventKind, TicketStatus

# Statuses the stage clock and the complaint's resolution deadline apply to.
# Plain strings, not the enum members: hashing a str enum runs Python code, and the sweep asks these
# questions for every due ticket.
SUBMITTED, RECEIVED, EXPIRED = (
    TicketStatus.SUBMITTED.value,
    TicketStatus.RECEIVED.value,
    TicketStatus.EXPIRED.value,
)
CLOCKED = frozenset(
    {
        TicketStatus.SUBMITTED.value,
        TicketStatus.RECEIVED.value,
        TicketStatus.ASSIGNED.value,
        TicketStatus.WAITING_ON_REQUESTER.value,
    }
)
# Customer service owes a first contact once the ticket is received.
CONTACT_OWED = frozenset(
    {TicketStatus.RECEIVED.value, TicketStatus.ASSIGNED.value, TicketStatus.WAITING_ON_REQUESTER.value}
)
# The handling deadline runs while the ticket is with customer service, not while it waits on the
# requester (the time waited is added to the deadline when the requester answers).
DECISION_OWED = frozenset({TicketStatus.RECEIVED.value, TicketStatus.ASSIGNED.value})


class ClockColumns(Protocol):
    """What the rule reads: a ticket model or a ClockRow alike."""

    @property
    def status(self) -> str: ...

    @property
    def received_at(self) -> datetime | None: ...

    @property
    def stage_ends_at(self) -> datetime | None: ...

    @property
    def complaint_resolution_at(self) -> datetime | None: ...

    @property
    def first_contact_due_at(self) -> datetime | None: ...

    @property
    def first_contact_at(self) -> datetime | None: ...

    @property
    def first_contact_breached_at(self) -> datetime | None: ...

    @property
    def decision_due_at(self) -> datetime | None: ...

    @property
    def decision_breached_at(self) -> datetime | None: ...


def next_transition(ticket: ClockColumns) -> datetime | None:
    """The next moment the clock must look at this ticket, or None when nothing is pending."""
    moments: list[datetime | None] = []
    if ticket.status == SUBMITTED:
        moments.append(ticket.received_at)
    if ticket.status in CLOCKED:
        moments += [ticket.stage_ends_at, ticket.complaint_resolution_at]
    if (
        ticket.status in CONTACT_OWED
        and ticket.first_contact_at is None
        and ticket.first_contact_breached_at is None
    ):
        moments.append(ticket.first_contact_due_at)
    if ticket.status in DECISION_OWED and ticket.decision_breached_at is None:
        moments.append(ticket.decision_due_at)
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


@dataclass(frozen=True, slots=True)
class StageWindow:
    id: int
    code: str
    starts_at_hour: int
    ends_at_hour: int | None


@dataclass(frozen=True, slots=True)
class ClockRow:
    """A ticket's clock columns as the sweep reads them."""

    id: int
    status: str
    stage_id: int | None
    complaint_filed_at: datetime | None
    received_at: datetime | None
    stage_entered_at: datetime | None
    stage_ends_at: datetime | None
    complaint_resolution_at: datetime | None
    first_contact_due_at: datetime | None
    first_contact_at: datetime | None
    first_contact_breached_at: datetime | None
    decision_due_at: datetime | None
    decision_breached_at: datetime | None
    next_transition_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClockEvent:
    kind: str
    key: str
    at: datetime
    from_value: str = ""
    to_value: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Advance:
    """A ticket after the sweep, and what happened to it on the way."""

    row: ClockRow
    events: tuple[ClockEvent, ...]
    stages_entered: tuple[tuple[int, datetime], ...]  # (stage id, entered at)
    received: bool = False
    expired: bool = False
    stage_changed: bool = False
    breaches: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.events)


def _stage_at(stages: Sequence[StageWindow], filed_at: datetime, now: datetime) -> int | None:
    age = now - filed_at
    for index, stage in enumerate(stages):
        starts = timedelta(hours=stage.starts_at_hour)
        ends = None if stage.ends_at_hour is None else timedelta(hours=stage.ends_at_hour)
        if starts <= age and (ends is None or age < ends):
            return index
    return None


def advance(row: ClockRow, now: datetime, stages: Sequence[StageWindow]) -> Advance:
    """Apply every clock boundary the ticket passed by `now`, in order: receipt, expiry, stages, breaches."""
    pk = row.id
    status = row.status
    stage_id, stage_entered_at, stage_ends_at = row.stage_id, row.stage_entered_at, row.stage_ends_at
    contact_breached, decision_breached = row.first_contact_breached_at, row.decision_breached_at
    events: list[ClockEvent] = []
    entered: list[tuple[int, datetime]] = []
    breaches: list[str] = []
    received = expired = stage_changed = False

    if status == SUBMITTED and row.received_at is not None and row.received_at <= now:
        events.append(ClockEvent(EventKind.RECEIVED, f"received:{pk}", row.received_at, status, RECEIVED))
        status, received = RECEIVED, True

    resolution = row.complaint_resolution_at
    if status in CLOCKED and resolution is not None and resolution <= now:
        events.append(
            ClockEvent(
                EventKind.STATUS_CHANGED,
                f"expired:{pk}",
                resolution,
                status,
                EXPIRED,
                {"reason": "complaint_resolved"},
            )
        )
        status, expired = EXPIRED, True

    filed_at = row.complaint_filed_at
    if status in CLOCKED and filed_at is not None:
        target = _stage_at(stages, filed_at, now)
        current = next((index for index, stage in enumerate(stages) if stage.id == stage_id), -1)
        if target is not None and target != current:
            previous = stages[current].code if current >= 0 else ""
            for stage in stages[current + 1 if target > current else target : target + 1]:
                at = filed_at + timedelta(hours=stage.starts_at_hour)
                entered.append((stage.id, at))
                events.append(
                    ClockEvent(EventKind.STAGE_CHANGED, f"stage:{pk}:{stage.code}", at, previous, stage.code)
                )
                previous = stage.code
            stage = stages[target]
            stage_id = stage.id
            stage_entered_at = filed_at + timedelta(hours=stage.starts_at_hour)
            stage_ends_at = (
                None if stage.ends_at_hour is None else filed_at + timedelta(hours=stage.ends_at_hour)
            )
            stage_changed = True

    # A deadline that passed before customer service had the ticket is breached on receipt.
    due = row.first_contact_due_at
    if (
        status in CONTACT_OWED
        and row.first_contact_at is None
        and contact_breached is None
        and due
        and due <= now
    ):
        contact_breached = max(due, row.received_at) if row.received_at else due
        breaches.append(f"breach:first_contact:{pk}")
        events.append(
            ClockEvent(
                EventKind.DEADLINE_BREACHED,
                breaches[-1],
                contact_breached,
                "",
                "first_contact",
                {"deadline": "first_contact"},
            )
        )
    due = row.decision_due_at
    if status in DECISION_OWED and decision_breached is None and due and due <= now:
        decision_breached = max(due, row.received_at) if row.received_at else due
        breaches.append(f"breach:decision:{pk}")
        events.append(
            ClockEvent(
                EventKind.DEADLINE_BREACHED,
                breaches[-1],
                decision_breached,
                "",
                "decision",
                {"deadline": "decision"},
            )
        )

    if not events:
        return Advance(
            row=replace(row, next_transition_at=next_transition(row)), events=(), stages_entered=()
        )
    moved = replace(
        row,
        status=status,
        stage_id=stage_id,
        stage_entered_at=stage_entered_at,
        stage_ends_at=stage_ends_at,
        first_contact_breached_at=contact_breached,
        decision_breached_at=decision_breached,
    )
    return Advance(
        row=replace(moved, next_transition_at=next_transition(moved)),
        events=tuple(events),
        stages_entered=tuple(entered),
        received=received,
        expired=expired,
        stage_changed=stage_changed,
        breaches=tuple(breaches),
    )
