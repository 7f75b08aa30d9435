"""Ticket events made through the ORM create their webhook deliveries once committed.

Bulk inserts (the clock sweep's SQL) send no signal; `webhook_catch_up` covers them.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from apps.tickets.models import TicketEvent


def _on_event_saved(
    sender: type, instance: TicketEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    from apps.integrations.webhooks import webhooks_on_events

    # robust: a failure here must not fail the request that changed the ticket; the catch-up
    # creates the delivery within a minute or two.
    transaction.on_commit(partial(webhooks_on_events, [instance.pk]), robust=True)


def connect() -> None:
    post_save.connect(_on_event_saved, sender=TicketEvent, dispatch_uid="integrations-webhooks-on-event")
