"""China's working-day calendar: weekends, public holidays, make-up working days (调休), overrides.

Pure: no Django. The official schedule comes from the `holidays` package; a year the package has
no official schedule for is never guessed: it counts weekends only and is reported as provisional
until an administrator supplies it (overrides plus a year marked complete) or the package does.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

HOLIDAY = "holiday"
WORKDAY = "workday"
# How far a working-day count may search before it is treated as a broken calendar.
MAX_DAYS_SEARCHED = 3660


@lru_cache(maxsize=32)
def _official_china(
    first_year: int, last_year: int
) -> tuple[frozenset[date], frozenset[date], frozenset[int]]:
    """Return (holidays, make-up working days, years with an official schedule) from the package."""
    china = holidays.China(years=range(first_year, last_year + 1))
    official_years = frozenset(
        year for year in range(first_year, last_year + 1) if china.special_public_holidays.get(year)
    )
    days_off = frozenset(day for day in china if day.year in official_years)
    make_up = frozenset(day for day in china.weekend_workdays if day.year in official_years)
    return days_off, make_up, official_years


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days; built once per policy load and used by pure arithmetic."""

    holidays: frozenset[date] = frozenset()
    make_up_workdays: frozenset[date] = frozenset()
    overrides: Mapping[date, str] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override == WORKDAY
        if day in self.make_up_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_provisional(self, day: date) -> bool:
        """True when `day` lies in a year whose official holiday schedule is not known."""
        return day.year not in self.known_years

    def nth_working_day_after(self, day: date, n: int) -> date:
        """Return the n-th working day strictly after `day` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        current = day
        for _ in range(MAX_DAYS_SEARCHED):
            current += timedelta(days=1)
            if self.is_working_day(current):
                n -= 1
                if n == 0:
                    return current
        raise ValueError(f"no {n} working days found within {MAX_DAYS_SEARCHED} days after {day}")

    def days_between_provisional(self, start: date, end: date) -> bool:
        """True when any day from start to end (inclusive) falls in a provisional year."""
        return any(self.is_provisional(date(year, 1, 1)) for year in range(start.year, end.year + 1))


def china_calendar(
    *,
    years: Iterable[int],
    overrides: Mapping[date, str] | None = None,
    completed_years: Iterable[int] = (),
) -> WorkingCalendar:
    """Build the calendar for `years` from the official schedule plus the administrator's overrides."""
    wanted = sorted(set(years))
    days_off, make_up, official_years = _official_china(wanted[0], wanted[-1])
    return WorkingCalendar(
        holidays=days_off,
        make_up_workdays=make_up,
        overrides=dict(overrides or {}),
        known_years=official_years | frozenset(completed_years),
    )
