"""China's working days: public holidays, make-up working days (调休), overrides, unknown years."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from apps.sla.calendar import HOLIDAY, WORKDAY, china_calendar
from tests.sla.clockdata import CALENDAR


@pytest.mark.parametrize("day", [date(2026, 2, 14), date(2026, 10, 10), date(2026, 9, 20), date(2026, 1, 4)])
def test_make_up_saturdays_and_sundays_are_working_days(day):
    assert day.weekday() >= 5
    assert CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]
    + [date(2026, 10, 1) + timedelta(days=n) for n in range(7)],
)
def test_spring_festival_and_national_day_2026_are_days_off(day):
    assert not CALENDAR.is_working_day(day)


def test_an_ordinary_week_is_monday_to_friday():
    week = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]
    assert [CALENDAR.is_working_day(day) for day in week] == [True] * 5 + [False] * 2


def test_every_day_of_2025_and_2026_agrees_with_chinesecalendar():
    day = date(2025, 1, 1)
    disagreements = []
    while day <= date(2026, 12, 31):
        if CALENDAR.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


def test_a_year_without_an_official_schedule_is_not_guessed():
    assert CALENDAR.is_provisional(date(2027, 1, 1))
    assert not CALENDAR.is_provisional(date(2026, 12, 31))
    # New Year's Day 2027 is a Friday: with no published schedule it counts as a working day.
    assert CALENDAR.is_working_day(date(2027, 1, 1))
    assert not CALENDAR.is_working_day(date(2027, 1, 2))


def test_overrides_win_over_the_official_calendar():
    calendar = china_calendar(
        years=range(2026, 2028),
        overrides={date(2026, 11, 24): HOLIDAY, date(2026, 11, 29): WORKDAY, date(2026, 10, 10): HOLIDAY},
    )
    assert not calendar.is_working_day(date(2026, 11, 24))  # a Tuesday made a holiday
    assert calendar.is_working_day(date(2026, 11, 29))  # a Sunday made a working day
    assert not calendar.is_working_day(date(2026, 10, 10))  # a make-up Saturday cancelled


def test_a_year_marked_complete_by_an_administrator_is_no_longer_provisional():
    calendar = china_calendar(years=range(2026, 2028), completed_years=[2027])
    assert not calendar.is_provisional(date(2027, 6, 1))


def test_the_nth_working_day_after_skips_the_spring_festival():
    # Thursday 12 Feb 2026: Fri 13 (1), make-up Sat 14 (2), then closed until Tue 24 (3).
    assert [CALENDAR.nth_working_day_after(date(2026, 2, 12), n) for n in (1, 2, 3)] == [
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
    ]
    with pytest.raises(ValueError):
        CALENDAR.nth_working_day_after(date(2026, 2, 12), 0)
