"""When a worker (re)connects to the broker: queue again the deliveries whose task may be lost.

A delivery's `dispatched_at` says a task was queued for it, and the sweep waits
`webhooks.REDISPATCH_AFTER` before taking that task as lost. After a broker outage that wait is
wrong: tasks published while it was away failed, and a broker restarted without its data lost
those it held, including the retries waiting for their countdown. The worker's consumer queues
this once per (re)connection (config/celery_app.py); a task queued twice finds its delivery
claimed or done and does nothing.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from apps.integrations.models import DeliveryStatus, WebhookDelivery
from apps.integrations.webhooks import webhook_dispatch_due

REQUEUE_BATCH_SIZE = 2000


def webhook_deliveries_requeue(*, now: datetime, batch_size: int = REQUEUE_BATCH_SIZE) -> list[int]:
    """Forget the queued mark of pending deliveries nobody is sending; queue those due now."""
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, dispatched_at__isnull=False)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(dispatched_at=None)
    return webhook_dispatch_due(now=now)
