"""What playing one demo ticket forward leaves behind: its events and the rows written with it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any

from apps.accounts.models import User
from apps.conversation.models import Message
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.models import EventKind, Letter, StageEntry, WithdrawalTicket

# Events that share a moment are listed in the order they happen (intake, submission, stage, decision).
EVENT_RANK: dict[str, int] = {
    EventKind.CREATED: 0, EventKind.INTAKE_STEP: 0, EventKind.IDENTITY_ATTEMPT: 0, EventKind.SUBMITTED: 1,
    EventKind.STAGE_CHANGED: 2, EventKind.DECIDED: 4,
}


@dataclass
class Event:
    kind: str
    at: datetime
    actor: User | None = None
    from_value: str = ""
    to_value: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story:
    ticket: WithdrawalTicket
    events: list[Event] = field(default_factory=list)
    attempts: list[IdentityVerificationAttempt] = field(default_factory=list)
    letter: Letter | None = None
    stage_entries: list[StageEntry] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


def minutes(rng: Random, low: float, high: float) -> timedelta:
    """A random span between `low` and `high` minutes, to the second."""
    return timedelta(seconds=round(rng.uniform(low, high) * 60))
