"""How a deadline reads: every state and its edges, in both languages (apps.sla.presenter)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.sla.presenter import (
    DeadlineState,
    DeadlineView,
    deadline_state,
    exact,
    hover,
    humanize,
    parse_moment,
    phrase,
    stored_moment,
    tone,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 3, 10, 22, 43, 586546, tzinfo=UTC)  # 18:22 in Shanghai
SECOND = timedelta(seconds=1)
State = DeadlineState


def state(**kwargs: object) -> DeadlineView:
    kwargs.setdefault("due_at", DUE)
    return deadline_state(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- states
def test_one_second_before_the_moment_it_runs_with_under_a_minute_left():
    view = state(now=DUE - SECOND)
    assert (view.state, view.span) == (State.RUNNING, SECOND)
    assert view.ticks and view.urgent
    assert phrase(view) == "under a minute left"


def test_at_the_moment_itself_it_is_missed_as_the_sweep_breaches_it():
    view = state(now=DUE)
    assert view.state == State.MISSED
    assert not view.ticks


def test_one_second_after_it_is_missed_by_under_a_minute():
    view = state(now=DUE + SECOND)
    assert (view.state, view.span) == (State.MISSED, SECOND)
    assert phrase(view) == "Overdue by under a minute"
    assert tone(view) == "badge-bad"


def test_a_paused_deadline_keeps_the_time_left_when_the_wait_began_however_long_it_waits():
    began = DUE - timedelta(days=2, hours=3, minutes=20)
    for now in (began, DUE, DUE + timedelta(days=30)):
        view = state(paused_since=began, now=now)
        assert (view.state, view.span) == (State.PAUSED, timedelta(days=2, hours=3, minutes=20))
        assert not view.ticks
        assert phrase(view) == "Paused, 2 d 3 h left"


def test_a_deadline_missed_before_the_wait_began_stays_missed():
    view = state(paused_since=DUE + timedelta(hours=1), now=DUE + timedelta(hours=3))
    assert (view.state, view.span) == (State.MISSED, timedelta(hours=3))


def test_met_at_the_moment_is_on_time_and_one_minute_later_is_late():
    assert state(met_at=DUE, now=DUE + timedelta(days=1)).state == State.MET_ON_TIME
    late = state(met_at=DUE + timedelta(minutes=1), now=DUE + timedelta(days=1))
    assert (late.state, late.span) == (State.MET_LATE, timedelta(minutes=1))
    assert phrase(late) == "Done (1 min late)"
    assert tone(late) == "badge-warn"


def test_a_first_contact_85_minutes_late_is_not_green():
    view = state(met_at=DUE + timedelta(minutes=85), now=DUE + timedelta(hours=2))
    assert view.state == State.MET_LATE
    assert tone(view) != "badge-good"
    assert phrase(view) == "Done (1 h 25 min late)"


def test_met_wins_over_a_pause_and_a_closing():
    view = state(met_at=DUE - SECOND, paused_since=DUE - timedelta(hours=1), closed_at=DUE, now=DUE)
    assert view.state == State.MET_ON_TIME
    assert phrase(view) == "Done on time"
    assert tone(view) == "badge-good"


def test_a_ticket_closed_before_the_deadline_mattered_owes_nothing():
    view = state(closed_at=DUE - SECOND, now=DUE + timedelta(days=3))
    assert view.state == State.NOT_APPLICABLE
    assert phrase(view) == "No longer applies"


def test_a_ticket_closed_after_the_deadline_counts_the_overdue_time_until_it_closed():
    view = state(closed_at=DUE + timedelta(hours=3), now=DUE + timedelta(days=3))
    assert (view.state, view.span) == (State.MISSED, timedelta(hours=3))
    assert phrase(view) == "Overdue by 3 h"


def test_no_deadline_is_not_applicable():
    view = deadline_state(due_at=None, now=DUE)
    assert view.state == State.NOT_APPLICABLE
    assert hover(view, SHANGHAI) == ""


def test_a_multi_day_deadline_reads_in_days_and_hours():
    view = state(now=DUE - timedelta(hours=267, minutes=22, seconds=4))
    assert phrase(view) == "11 d 3 h left"
    assert not view.urgent and tone(view) == ""


def test_every_state_is_reachable():
    reached = {
        state(now=DUE - SECOND).state,
        state(paused_since=DUE - SECOND, now=DUE).state,
        state(met_at=DUE, now=DUE).state,
        state(met_at=DUE + SECOND, now=DUE).state,
        state(now=DUE).state,
        state(closed_at=DUE - SECOND, now=DUE).state,
    }
    assert reached == set(DeadlineState)


# ---------------------------------------------------------------------------------- durations
@pytest.mark.parametrize(
    ("span", "en", "zh"),
    [
        (timedelta(0), "under a minute", "不到 1 分钟"),
        (timedelta(seconds=59), "under a minute", "不到 1 分钟"),
        (timedelta(seconds=60), "1 min", "1 分钟"),
        (timedelta(minutes=8, seconds=59), "8 min", "8 分钟"),
        (timedelta(minutes=60), "1 h", "1 小时"),
        (timedelta(hours=3, minutes=12), "3 h 12 min", "3 小时 12 分钟"),
        (timedelta(hours=23, minutes=59, seconds=59), "23 h 59 min", "23 小时 59 分钟"),
        (timedelta(days=1), "1 d", "1 天"),
        (timedelta(days=2, hours=3, minutes=59), "2 d 3 h", "2 天 3 小时"),
        (timedelta(minutes=9508), "6 d 14 h", "6 天 14 小时"),
        (timedelta(hours=267, minutes=22, seconds=4), "11 d 3 h", "11 天 3 小时"),
        (timedelta(seconds=-30), "under a minute", "不到 1 分钟"),
    ],
)
def test_durations_read_the_same_way_in_both_languages(span, en, zh):
    assert humanize(span) == en
    with translation.override("en"):
        assert humanize(span, gettext) == en
    with translation.override("zh-hans"):
        assert humanize(span, gettext) == zh


@pytest.mark.parametrize(
    ("kwargs", "en", "zh"),
    [
        ({"now": DUE - timedelta(days=2, hours=3)}, "2 d 3 h left", "剩余 2 天 3 小时"),
        (
            {"paused_since": DUE - timedelta(days=2, hours=3), "now": DUE + timedelta(hours=5)},
            "Paused, 2 d 3 h left",
            "已暂停，剩余 2 天 3 小时",
        ),
        ({"now": DUE + timedelta(hours=3, minutes=5)}, "Overdue by 3 h 5 min", "已超时 3 小时 5 分钟"),
        (
            {"met_at": DUE + timedelta(minutes=85), "now": DUE + timedelta(days=1)},
            "Done (1 h 25 min late)",
            "已完成（晚 1 小时 25 分钟）",
        ),
        ({"met_at": DUE, "now": DUE}, "Done on time", "按时完成"),
        ({"closed_at": DUE - SECOND, "now": DUE}, "No longer applies", "不再适用"),
    ],
)
def test_each_state_says_what_it_is_in_both_languages(kwargs, en, zh):
    view = state(**kwargs)
    with translation.override("en"):
        assert phrase(view, gettext) == en
    with translation.override("zh-hans"):
        assert phrase(view, gettext) == zh


# ------------------------------------------------------------------------------------ moments
def test_the_exact_moment_is_local_to_the_minute():
    assert exact(DUE, SHANGHAI) == "2026-12-03 18:22"
    view = state(met_at=DUE + timedelta(minutes=85), now=DUE + timedelta(days=1))
    with translation.override("zh-hans"):
        assert hover(view, SHANGHAI, gettext) == "期限 2026-12-03 18:22 · 完成于 2026-12-03 19:47"
    assert hover(state(now=DUE), SHANGHAI) == "Due 2026-12-03 18:22"


@pytest.mark.parametrize(
    "value",
    [DUE, DUE.isoformat(), "2026-12-03T10:22:43+00:00", "2026-12-03T10:22:43Z", "2026-12-03 10:22"],
)
def test_a_moment_stored_as_iso_text_is_shown_local(value):
    assert parse_moment(value) is not None
    assert stored_moment(value, SHANGHAI) == "2026-12-03 18:22"


@pytest.mark.parametrize("value", ["", "soon", "2026-12-03", 42, None])
def test_anything_else_is_not_a_moment(value):
    assert parse_moment(value) is None
    assert stored_moment(value, SHANGHAI) == ("" if value is None else str(value))
