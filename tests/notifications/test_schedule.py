"""The hourly limit's slot finder, a pure function: every rolling hour keeps at most the limit."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.notifications.schedule import RATE_WINDOW, next_free_slot

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def minutes(*values: int) -> list[datetime]:
    return [T0 + timedelta(minutes=value) for value in values]


def test_free_now_when_under_the_limit():
    assert next_free_slot(earliest=T0, taken=minutes(-30), per_hour=2) == T0


def test_the_next_slot_is_an_hour_after_the_oldest_in_the_way():
    assert next_free_slot(earliest=T0, taken=minutes(-50, -10), per_hour=2) == T0 + timedelta(minutes=10)


def test_texts_planned_later_count_too():
    # 10:00 would make three in (09:40, 10:40]; at 11:30 only 10:40 is within the hour around it
    assert next_free_slot(earliest=T0, taken=minutes(30, 40), per_hour=2) == T0 + timedelta(minutes=90)


@pytest.mark.parametrize("seed", range(200))
def test_planning_one_after_another_never_puts_more_than_the_limit_in_any_hour(seed):
    rng = random.Random(seed)
    per_hour = rng.randint(1, 5)
    taken: list[datetime] = []
    for _index in range(rng.randint(1, 30)):
        earliest = T0 + timedelta(minutes=rng.randint(0, 240))
        slot = next_free_slot(earliest=earliest, taken=taken, per_hour=per_hour)
        assert slot >= earliest
        taken.append(slot)
    for start in taken:
        window_start = start - RATE_WINDOW
        for edge in (start, window_start):
            assert sum(1 for moment in taken if edge < moment <= edge + RATE_WINDOW) <= per_hour
