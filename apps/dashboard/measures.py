"""What the dashboard's SQL (apps.dashboard.selectors) and its portable rows (apps.dashboard.portable)
both measure by: the measures' names, the display limits and the history's window.

Both read from here, so neither imports the other's module for a constant: the selectors call the
portable rows, never the reverse.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.dashboard.filters import HISTORY_DAYS
from apps.tickets.models import TicketStatus

# What the dashboard shows; display choices, not domain figures (those are policy rows).
SOON = timedelta(hours=1)
URGENT_LIST_LIMIT = 12  # rows per list (breached / due within the hour) and per deadline
DECIDED_STATUSES = (TicketStatus.APPROVED, TicketStatus.REFUSED, TicketStatus.ROUTED)
FIRST_CONTACT = "first_contact"
DECISION = "decision"
OUTCOME = "outcome"


def history_window(
    *, now: datetime, tz: ZoneInfo, period: list[date] | None = None
) -> tuple[list[date], datetime, datetime]:
    """The period's days (by default the last HISTORY_DAYS in `tz`, today included) and their bounds."""
    if not period:
        today = now.astimezone(tz).date()
        period = [today - timedelta(days=HISTORY_DAYS - 1 - n) for n in range(HISTORY_DAYS)]
    start = datetime.combine(period[0], time(0), tzinfo=tz)
    end = datetime.combine(period[-1] + timedelta(days=1), time(0), tzinfo=tz)
    return period, start, end
