"""Reads of the outbox."""

from datetime import datetime

from apps.outbound.models import IN_FLIGHT, OutboundMessage


def outbound_due_ids(*, now: datetime, limit: int) -> list[int]:
    """Return the ids of messages to (re)send: queued and due, or sending past the worker's lease.

    One indexed query (the partial index on next_attempt_at over in-flight rows): its cost does
    not depend on how many messages wait for a later time.
    """
    return list(
        OutboundMessage.objects.filter(status__in=IN_FLIGHT, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
