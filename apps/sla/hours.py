"""Service hours: when a submitted ticket counts as received, and working-day deadlines.

Pure: no Django. Times in and out are aware datetimes; the window is read in its own time zone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.sla.calendar import WorkingCalendar


@dataclass(frozen=True)
class ServiceWindow:
    """Daily opening hours: `opens` is inside, `closes` is outside (09:00:00 in, 21:00:00 out)."""

    opens: time
    closes: time
    tz: ZoneInfo
    open_on_holidays: bool = True

    def contains(self, moment: datetime, calendar: WorkingCalendar | None = None) -> bool:
        local = moment.astimezone(self.tz)
        if not self.open_on_holidays and calendar is not None and not calendar.is_working_day(local.date()):
            return False
        return self.opens <= local.timetz().replace(tzinfo=None) < self.closes

    def at(self, day: date, clock_time: time) -> datetime:
        return datetime.combine(day, clock_time, tzinfo=self.tz)


def received_at(
    submitted_at: datetime, window: ServiceWindow, calendar: WorkingCalendar | None = None
) -> datetime:
    """Return when a ticket submitted at `submitted_at` counts as received.

    Inside the window it is received at once; otherwise at the next opening (the same morning
    before opening time, else the next day's), skipping closed days when the service closes on
    holidays.
    """
    if window.contains(submitted_at, calendar):
        return submitted_at
    local = submitted_at.astimezone(window.tz)
    day = local.date()
    if local.timetz().replace(tzinfo=None) >= window.opens:
        day += timedelta(days=1)
    if not window.open_on_holidays and calendar is not None:
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
    return window.at(day, window.opens)


@dataclass(frozen=True)
class Deadline:
    at: datetime
    provisional: bool


def working_days_after(
    received: datetime, days: int, window: ServiceWindow, calendar: WorkingCalendar
) -> Deadline:
    """Return the end of the `days`-th working day after the day of receipt (at closing time).

    Zero days means at once: the deadline is the receipt itself. A count that reaches a year with
    no official holiday schedule is computed from weekends alone and marked provisional.
    """
    if days <= 0:
        return Deadline(
            at=received, provisional=calendar.is_provisional(received.astimezone(window.tz).date())
        )
    start = received.astimezone(window.tz).date()
    end = calendar.nth_working_day_after(start, days)
    return Deadline(
        at=window.at(end, window.closes), provisional=calendar.days_between_provisional(start, end)
    )
