"""Receipt inside and outside service hours, and "N working days after receipt" deadlines."""

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.sla.hours import ServiceWindow, received_at, working_days_after
from tests.sla.clockdata import CALENDAR, SHANGHAI, WINDOW


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        ("2026-11-24 08:59:59", "2026-11-24 09:00:00"),
        ("2026-11-24 09:00:00", "2026-11-24 09:00:00"),
        ("2026-11-24 20:59:59", "2026-11-24 20:59:59"),
        ("2026-11-24 21:00:00", "2026-11-25 09:00:00"),
        ("2026-11-24 21:01:00", "2026-11-25 09:00:00"),
        ("2026-11-24 23:59:59", "2026-11-25 09:00:00"),
        ("2026-11-25 00:00:00", "2026-11-25 09:00:00"),
        ("2026-12-31 22:00:00", "2027-01-01 09:00:00"),
    ],
)
def test_receipt_at_the_edges_of_the_window(submitted, received):
    assert received_at(at(submitted), WINDOW) == at(received)


def test_receipt_is_the_same_instant_whatever_the_zone_it_is_given_in():
    utc_night = datetime.fromisoformat("2026-11-24T14:30:00+00:00")  # 22:30 in Shanghai
    assert received_at(utc_night, WINDOW) == at("2026-11-25 09:00:00")


def test_service_hours_include_public_holidays():
    assert received_at(at("2026-10-02 10:00:00"), WINDOW, CALENDAR) == at("2026-10-02 10:00:00")
    assert received_at(at("2026-10-02 22:00:00"), WINDOW, CALENDAR) == at("2026-10-03 09:00:00")


def test_a_service_closed_on_holidays_waits_for_the_next_working_morning():
    closed_on_holidays = ServiceWindow(opens=time(9), closes=time(21), tz=SHANGHAI, open_on_holidays=False)
    assert received_at(at("2026-09-30 22:00:00"), closed_on_holidays, CALENDAR) == at("2026-10-08 09:00:00")


def test_friday_night_before_a_make_up_saturday():
    received = received_at(at("2026-02-13 22:00:00"), WINDOW, CALENDAR)
    assert received == at("2026-02-14 09:00:00")
    # The day of receipt is the make-up Saturday; the next working day is after the festival.
    deadline = working_days_after(received, 1, WINDOW, CALENDAR)
    assert deadline.at == at("2026-02-24 21:00:00")
    assert not deadline.provisional


def test_working_days_across_the_spring_festival():
    deadline = working_days_after(at("2026-02-12 10:00:00"), 3, WINDOW, CALENDAR)
    assert deadline.at == at("2026-02-24 21:00:00")


def test_working_days_across_national_day():
    deadline = working_days_after(at("2026-09-30 10:00:00"), 3, WINDOW, CALENDAR)
    assert deadline.at == at("2026-10-10 21:00:00")  # Thu 8, Fri 9, make-up Sat 10


def test_a_deadline_reaching_an_unpublished_year_is_weekends_only_and_provisional():
    deadline = working_days_after(at("2026-12-28 10:00:00"), 7, WINDOW, CALENDAR)
    assert deadline.at == at("2027-01-06 21:00:00")
    assert deadline.provisional


def test_zero_working_days_is_at_once():
    received = at("2026-11-24 10:00:00")
    assert working_days_after(received, 0, WINDOW, CALENDAR).at == received


# --- properties against a brute-force reference ---------------------------------------------------

MOMENTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 20)).map(  # noqa: DTZ001
    lambda naive: naive.replace(microsecond=0, tzinfo=SHANGHAI)
)


def reference_receipt(submitted: datetime) -> datetime:
    """Walk forward minute by minute until the service is open."""
    if time(9) <= submitted.time() < time(21):
        return submitted
    moment = submitted.replace(second=0) + timedelta(minutes=1)
    while not (time(9) <= moment.time() < time(21)):
        moment += timedelta(minutes=1)
    return moment


def reference_working_days(received: datetime, n: int) -> datetime:
    """Count working days one by one with chinesecalendar, an independent source."""
    day = received.date()
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return datetime.combine(day, time(21), tzinfo=SHANGHAI)


@settings(max_examples=300, deadline=None)
@given(MOMENTS)
def test_receipt_matches_a_minute_by_minute_walk(submitted):
    assert received_at(submitted, WINDOW, CALENDAR) == reference_receipt(submitted)


@settings(max_examples=300, deadline=None)
@given(MOMENTS, st.integers(min_value=1, max_value=7))
def test_working_days_match_a_day_by_day_count(submitted, n):
    received = received_at(submitted, WINDOW, CALENDAR)
    if received.date() > date(2026, 12, 15):
        return
    assert working_days_after(received, n, WINDOW, CALENDAR).at == reference_working_days(received, n)
