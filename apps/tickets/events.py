"""One small function per kind of ticket event, so every state change is recorded the same way."""

from datetime import datetime
from typing import Any

from django.db import router, transaction
from django.db.models import Model
from django.db.models.signals import post_save

from apps.accounts.models import User
from apps.core import clock
from apps.core.inserts import insert_with_children, insert_with_mention
from apps.tickets.models import EventKind, TicketEvent, WithdrawalTicket


def event_new(
    *,
    ticket: WithdrawalTicket,
    kind: EventKind,
    actor: User | None = None,
    actor_label: str = "",
    from_value: object = "",
    to_value: object = "",
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> TicketEvent:
    """One event for a ticket's log, not saved yet: give it to `events_record` with its siblings."""
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        from_value="" if from_value is None else str(from_value),
        to_value="" if to_value is None else str(to_value),
        data=data or {},
        occurred_at=occurred_at or clock.now(),
        dedupe_key=dedupe_key,
    )


def events_record(events: list[TicketEvent]) -> list[TicketEvent]:
    """Append several events in one INSERT; each then sends post_save as a save would.

    The signal is what hands events to the webhooks (apps.integrations.signals), so an event
    written here reaches receivers exactly as one written by `event_record`.
    """
    if not events:
        return []
    using = router.db_for_write(TicketEvent)
    # PostgreSQL and SQLite both return the new ids, which the signal's receivers need.
    saved = TicketEvent.objects.using(using).bulk_create(events)
    _announce(saved, using)
    return saved


def ticket_insert_with_events(ticket: WithdrawalTicket, events: list[TicketEvent]) -> list[TicketEvent]:
    """Insert a new ticket with its first events, in one statement on PostgreSQL (no transaction
    needed around it); the events then send post_save as `events_record`'s do."""
    using = router.db_for_write(WithdrawalTicket)
    insert_with_children(ticket, events, link="ticket", using=using)
    # The receivers' on-commit callbacks run once for the events together, as after one
    # transaction; a block that sends no statement costs no round trip.
    with transaction.atomic(using=using, savepoint=False):
        _announce(events, using)
    return events


def event_record_with(row: Model, event: TicketEvent, *, key: str) -> TicketEvent:
    """Insert a new `row` (a message) and the event that records it, whose data names the row's id
    under `key`: one statement on PostgreSQL. The event then sends post_save as `event_record`'s does."""
    using = router.db_for_write(TicketEvent)
    insert_with_mention(row, event, field="data", key=key, using=using)
    with transaction.atomic(using=using, savepoint=False):
        _announce([event], using)
    return event


def _announce(events: list[TicketEvent], using: str) -> None:
    for event in events:
        post_save.send(sender=TicketEvent, instance=event, created=True, raw=False, using=using)


def event_record(
    *,
    ticket: WithdrawalTicket,
    kind: EventKind,
    actor: User | None = None,
    actor_label: str = "",
    from_value: object = "",
    to_value: object = "",
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> TicketEvent:
    """Append one event to a ticket's log."""
    event = event_new(
        ticket=ticket, kind=kind, actor=actor, actor_label=actor_label, from_value=from_value,
        to_value=to_value, data=data, occurred_at=occurred_at, dedupe_key=dedupe_key,
    )
    event.save()
    return event


def event_status_changed(
    *, ticket: WithdrawalTicket, old: str, new: str, actor: User | None = None, actor_label: str = ""
) -> TicketEvent:
    """Record a status change."""
    return event_record(
        ticket=ticket, kind=EventKind.STATUS_CHANGED, actor=actor, actor_label=actor_label,
        from_value=old, to_value=new,
    )


def event_field_changed(
    *,
    ticket: WithdrawalTicket,
    kind: EventKind,
    field: str,
    old: Model | None,
    new: Model | None,
    actor: User | None = None,
    actor_label: str = "",
) -> TicketEvent:
    """Record a change of one of the ticket's related fields, by name and by id."""
    return event_record(
        ticket=ticket, kind=kind, actor=actor, actor_label=actor_label,
        from_value=old or "", to_value=new or "",
        data={"field": field, "from_id": getattr(old, "pk", None), "to_id": getattr(new, "pk", None)},
    )


def event_row_corrected(
    *,
    ticket: WithdrawalTicket,
    model_name: str,
    row_id: int,
    fields: list[str],
    actor: User | None = None,
    actor_label: str = "",
) -> TicketEvent:
    """Record a correction of a row that belongs to the ticket, such as its letter or an evidence file."""
    return event_record(
        ticket=ticket, kind=EventKind.NOTE, actor=actor, actor_label=actor_label,
        to_value=", ".join(fields),
        data={"model": model_name, "id": row_id, "fields": fields},
    )
