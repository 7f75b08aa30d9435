"""When a text message may go: not between closing and the next opening, not too many in an hour.

Pure: no Django. The opening is the one a night submission is received at (apps.sla.hours), so a
service closed on holidays also holds its texts over holidays and sends on a make-up working day.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from apps.sla.calendar import WorkingCalendar
from apps.sla.hours import ServiceWindow, received_at

RATE_WINDOW = timedelta(hours=1)


def night_hold_until(
    now: datetime, window: ServiceWindow, calendar: WorkingCalendar | None
) -> datetime | None:
    """The next opening when `now` is outside service hours; None inside them."""
    opening = received_at(now, window, calendar)
    return None if opening <= now else opening


def next_free_slot(*, earliest: datetime, taken: Sequence[datetime], per_hour: int) -> datetime:
    """The first moment from `earliest` at which one more text keeps every rolling hour within `per_hour`.

    `taken` are the moments of the person's other texts (sent or planned). A moment t is free when
    fewer than `per_hour` of them lie in (t - 1 h, t + 1 h): every hour-long window holding t then holds
    at most `per_hour` texts with this one. That is a little stricter than needed when texts are
    planned after t, never looser. The answer is `earliest` or an hour after one of the taken moments.
    """
    candidates = sorted(
        {earliest, *(moment + RATE_WINDOW for moment in taken if moment + RATE_WINDOW > earliest)}
    )
    for moment in candidates:
        near = sum(1 for other in taken if moment - RATE_WINDOW < other < moment + RATE_WINDOW)
        if near < per_hour:
            return moment
    return candidates[-1]  # unreachable: after the last taken moment + 1 h nothing is near
