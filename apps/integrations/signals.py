"""Ticket events made through the ORM create their webhook deliveries once committed.

The events of one transaction are handed over together, in one statement, when it commits: a
write that records three events costs one enqueue, not three. Bulk inserts (the clock sweep's
SQL) send no signal; `webhook_catch_up` covers them.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from apps.tickets.models import TicketEvent

PENDING_ATTRIBUTE = "chehui_webhook_events"


def _pending(using: str | None) -> list[int]:
    """Event ids saved on this connection (one per thread) and not handed over yet."""
    connection = transaction.get_connection(using)
    pending: list[int] | None = getattr(connection, PENDING_ATTRIBUTE, None)
    if pending is None:
        pending = []
        setattr(connection, PENDING_ATTRIBUTE, pending)
    return pending


def _flush(using: str | None) -> None:
    from apps.integrations.webhooks import webhooks_on_events

    pending = _pending(using)
    if not pending:  # an earlier callback of the same commit took them
        return
    event_ids = list(pending)
    pending.clear()
    webhooks_on_events(event_ids)


def _on_event_saved(
    sender: type, instance: TicketEvent, created: bool, raw: bool = False, using: str | None = None,
    **kwargs: Any,
) -> None:
    if not created or raw:
        return
    _pending(using).append(instance.pk)
    # Every event registers the callback, so a transaction that rolled back (taking its callbacks
    # with it) cannot leave the next one without its own. The first callback to run after a
    # commit takes every id; ids of rolled-back events match no row and create nothing.
    # robust: a failure here must not fail the request that changed the ticket; the catch-up
    # creates the delivery within a minute or two.
    transaction.on_commit(lambda: _flush(using), using=using, robust=True)


def connect() -> None:
    post_save.connect(_on_event_saved, sender=TicketEvent, dispatch_uid="integrations-webhooks-on-event")
