"""Moments written in a letter: dates, times of day, in Chinese and English, joined when they go together."""

import re
from dataclasses import dataclass

from apps.tickets.letter_coach.findings import TimeMention

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_NUMBER = r"[零〇一二两三四五六七八九十]{1,3}"
NUMBER = rf"(?:\d{{1,2}}|{CN_NUMBER})"
MORNING = ("凌晨", "早上", "早晨", "上午")
AFTERNOON = ("下午", "傍晚", "晚上", "夜里", "夜间", "晚间")
NOON = "中午"
PERIOD = "|".join((*MORNING, *AFTERNOON, NOON))
MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))

DATE_PATTERNS = (
    # 2026年3月5日, 3月5日, 3月5号
    re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
    # 2026-03-05, 2026/3/5, 2026.03.05
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    # 5 March 2026, 5th of March
    re.compile(
        rf"(?<![\dA-Za-z])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<monthname>{MONTH_NAME})\.?"
        r"(?:,?\s+(?P<year>\d{4}))?(?![A-Za-z])",
        re.IGNORECASE,
    ),
    # March 5, 2026 / Mar. 5th
    re.compile(
        rf"(?<![A-Za-z])(?P<monthname>{MONTH_NAME})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        r"(?:,?\s+(?P<year>\d{4}))?",
        re.IGNORECASE,
    ),
)
TIME_PATTERNS = (
    # 14:30, 下午2:30, 2:30 pm, 14：30:05
    re.compile(
        rf"(?:(?P<period>{PERIOD})\s*)?(?<![\d:：])(?P<hour>\d{{1,2}})\s*[:：]\s*(?P<minute>\d{{2}})"
        r"(?:[:：]\d{2})?(?![\d:：])(?:\s*(?P<ampm>[ap]\.?\s?m(?![A-Za-z])\.?))?",
        re.IGNORECASE,
    ),
    # 14点30分, 14时30分, 下午两点半, 14点30, 14点 (an hour only)
    re.compile(
        rf"(?:(?P<period>{PERIOD})\s*)?(?<!\d)(?P<hour>{NUMBER})\s*[点時时]"
        rf"(?:\s*(?:(?P<minute>\d{{1,2}})(?!\d)(?:\s*分)?|(?P<cnminute>{CN_NUMBER})\s*分|(?P<half>半)))?"
    ),
    # 2 pm, 2 p.m. (an hour only)
    re.compile(r"(?<![\d:：])(?P<hour>\d{1,2})\s*(?P<ampm>[ap]\.?\s?m(?![A-Za-z])\.?)", re.IGNORECASE),
)
# What may stand between a date and the time of day it goes with.
MAX_DATE_TIME_GAP = 8
DATE_TIME_GAP = re.compile(r"[\s,，]*(?:at|on|的|T)?[\s,，]*", re.IGNORECASE)


def _cn_number(text: str) -> int | None:
    """Read 0-59 written in Chinese numerals (十, 十五, 二十, 三十五, 零五); None if it is not one."""
    if len(text) > 1 and text[0] in "零〇":
        text = text[1:]
    if "十" not in text:
        return CN_DIGITS.get(text) if len(text) == 1 else None
    tens_text, _, units_text = text.partition("十")
    tens = CN_DIGITS.get(tens_text, -1) if tens_text else 1
    units = CN_DIGITS.get(units_text, -1) if units_text else 0
    if tens < 0 or units < 0:
        return None
    return tens * 10 + units


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)  # int() reads full-width digits too
    return _cn_number(text)


def _hour_of_day(hour: int, period: str | None, ampm: str | None) -> int:
    """Turn an hour with 下午 / pm into 0-23."""
    if ampm:
        is_pm = ampm.lower().startswith("p")
        if is_pm and hour < 12:
            return hour + 12
        if not is_pm and hour == 12:
            return 0
        return hour
    if period in AFTERNOON and hour < 12:
        return hour + 12
    if period == NOON and hour < 11:
        return hour + 12
    if period in MORNING and hour == 12:
        return 0
    return hour


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    year: int | None
    month: int
    day: int


@dataclass(frozen=True)
class _Clock:
    start: int
    end: int
    hour: int
    minute: int | None
    twelve_hour: bool


def _dates(text: str) -> list[_Date]:
    found: list[_Date] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = MONTHS[groups["monthname"].lower()] if groups.get("monthname") else int(groups["month"])
            day, year = int(groups["day"]), groups.get("year")
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            if any(match.start() < other.end and other.start < match.end() for other in found):
                continue
            found.append(_Date(match.start(), match.end(), int(year) if year else None, month, day))
    return sorted(found, key=lambda date: date.start)


def _clocks(text: str) -> list[_Clock]:
    found: list[_Clock] = []
    for pattern in TIME_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            hour_text, period, ampm = groups["hour"], groups.get("period"), groups.get("ampm")
            minute_text = groups.get("minute") or groups.get("cnminute")
            # 一点 is also "a little": a Chinese-numeral hour counts only with a period or minutes.
            if not hour_text.isdigit() and not (period or minute_text or groups.get("half")):
                continue
            hour = _number(hour_text)
            minute = 30 if groups.get("half") else _number(minute_text)
            if hour is None or not 0 <= hour <= 24 or (minute is not None and not 0 <= minute <= 59):
                continue
            if ampm and not 1 <= hour <= 12:
                if "minute" not in groups or groups["minute"] is None:
                    continue  # "14 pm" is no time
                ampm = None  # "14:30 pm": the 24-hour figure is what was meant
            if any(match.start() < other.end and other.start < match.end() for other in found):
                continue
            twelve_hour = not (period or ampm) and 1 <= hour <= 11
            found.append(
                _Clock(match.start(), match.end(), _hour_of_day(hour, period, ampm) % 24, minute, twelve_hour)
            )
    return sorted(found, key=lambda clock: clock.start)


def find_times(text: str) -> list[TimeMention]:
    """Every moment written in `text`: a date with its time of day, a time alone, or a date alone."""
    dates, clocks = _dates(text), _clocks(text)
    used: set[int] = set()
    mentions = []
    for clock in clocks:
        index = _date_next_to(text, clock, dates, used)
        date = dates[index] if index is not None else None
        start, end = clock.start, clock.end
        if index is not None and date is not None:
            used.add(index)
            start, end = min(start, date.start), max(end, date.end)
        mentions.append(
            TimeMention(
                span=(start, end), text=text[start:end],
                year=date.year if date else None, month=date.month if date else None,
                day=date.day if date else None, hour=clock.hour, minute=clock.minute,
                twelve_hour=clock.twelve_hour,
            )
        )
    for index, date in enumerate(dates):
        if index not in used:
            mentions.append(
                TimeMention(
                    span=(date.start, date.end), text=text[date.start:date.end], year=date.year,
                    month=date.month, day=date.day, hour=None, minute=None,
                )
            )
    return sorted(mentions, key=lambda mention: mention.span)


def _date_next_to(text: str, clock: _Clock, dates: list[_Date], used: set[int]) -> int | None:
    """The index of the date written just before (or, in English, just after) a time of day."""
    for index, date in enumerate(dates):
        if index in used:
            continue
        if 0 <= clock.start - date.end <= MAX_DATE_TIME_GAP and DATE_TIME_GAP.fullmatch(
            text[date.end:clock.start]
        ):
            return index
        if 0 <= date.start - clock.end <= MAX_DATE_TIME_GAP and DATE_TIME_GAP.fullmatch(
            text[clock.end:date.start]
        ):
            return index
    return None

