"""Recompute stored deadlines when the policy or the calendar they came from changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from apps.core.enqueue import enqueue_on_commit
from apps.policy.models import CalendarOverride, CalendarYear, ComplaintType, Platform, PolicySettings, Stage

RECOMPUTE_TASK = "sla.recompute"  # apps.sla.tasks.recompute
WATCHED = (PolicySettings, Platform, ComplaintType, Stage, CalendarOverride, CalendarYear)


def _queue_recompute(**kwargs: Any) -> None:
    # robust: a broker that is down must not undo the administrator's change; the deadlines are
    # then refreshed by the next change or by `manage.py clock_recompute`.
    enqueue_on_commit(RECOMPUTE_TASK)


def connect() -> None:
    from apps.sla.notifications import on_event_saved
    from apps.tickets.models import TicketEvent

    post_save.connect(on_event_saved, sender=TicketEvent, dispatch_uid="sla-deadline-notices-withdraw")
    for model in WATCHED:
        post_save.connect(_queue_recompute, sender=model, dispatch_uid=f"sla-recompute-save-{model.__name__}")
        post_delete.connect(
            _queue_recompute, sender=model, dispatch_uid=f"sla-recompute-del-{model.__name__}"
        )
