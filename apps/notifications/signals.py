"""Tell the requester of a ticket event, inside the transaction that records the event.

The receiver runs on every TicketEvent saved through the ORM (`event_record`, `events_record`,
and `ticket_insert_with_events`, whose new ticket and first events commit as one statement before
their signals: none of them is told of); it returns before any query for the kinds nobody is told
of. Bulk inserts that send no signal (the clock sweep's SQL, auto-assignment) are not told of: see
docs/notifications.md.
"""

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save

from apps.core import clock
from apps.notifications.models import RequesterNotice
from apps.notifications.services import notify_requester
from apps.notifications.triggers import is_told, notice_for
from apps.tickets.models import TicketEvent

logger = logging.getLogger(__name__)


def _on_event_saved(
    sender: type,
    instance: TicketEvent,
    created: bool,
    raw: bool = False,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    if not created or raw or not is_told(instance):
        return
    if instance.ticket.requester_id is None:
        return
    now = clock.now()
    try:
        # Reads only, outside any savepoint: most events are told already (a second unread message).
        notice = notice_for(instance, now=now)
        if notice is None or notice.told:
            return
        if notice.told is None and RequesterNotice.objects.filter(dedupe_key=notice.dedupe_key).exists():
            return
    except DatabaseError:
        raise  # the transaction is broken: the change fails with it, as it would on its own next query
    except Exception:
        logger.exception("notifications: could not tell the requester of event %s", instance.pk)
        return
    try:
        # A savepoint: a notice that fails is logged and dropped without failing the change it tells of.
        with transaction.atomic(using=using):
            notify_requester(
                ticket=instance.ticket,
                event=notice.event,
                context=notice.context,
                dedupe_key=notice.dedupe_key,
                urgent=notice.urgent,
                deadline_at=notice.deadline_at,
                now=now,
                key_checked=True,
            )
    except Exception:
        logger.exception("notifications: could not tell the requester of event %s", instance.pk)


def connect() -> None:
    post_save.connect(_on_event_saved, sender=TicketEvent, dispatch_uid="notifications-requester-on-event")
