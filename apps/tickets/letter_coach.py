"""The letter coach: check a withdrawal letter against the article's advice (DOMAIN "The letter").

Pure: no Django import, so it runs on every keystroke of the live check and is tested exhaustively.
The phrases it looks for come in as data (policy.LetterPhrase rows, turned into `Phrase`); the
cue words of the three parts are language, not policy, and live here. Findings carry a code and
parameters, never a sentence: the Django side renders them in the reader's language.

It never refuses a letter. Only a missing required field (complaint time, respondent, reason) is
an "error"; everything else is "advice", and the score says how close the letter is to the model.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal

Severity = Literal["error", "advice"]
ERROR: Severity = "error"
ADVICE: Severity = "advice"

# Where a finding points: one of the letter's fields.
FIELD_COMPLAINT_TIME = "complaint_time"
FIELD_RESPONDENT = "respondent"
FIELD_REASON = "reason"
FIELD_BODY = "body"

# Finding codes (stable: stored in Letter.coach_findings and rendered by letter_coach_messages).
COMPLAINT_TIME_MISSING = "complaint_time_missing"
RESPONDENT_MISSING = "respondent_missing"
REASON_MISSING = "reason_missing"
BODY_EMPTY = "body_empty"
PART_MISSING = "part_missing"
PARTS_OUT_OF_ORDER = "parts_out_of_order"
BLAME_SHIFTING = "blame_shifting"
PRECISE_TERM_MISSING = "precise_term_missing"
TIME_MISSING = "time_missing"
TIME_NOT_TO_MINUTE = "time_not_to_minute"
TIME_WITHOUT_DATE = "time_without_date"
TIME_MISMATCH = "time_mismatch"
REMEDY_VAGUE = "remedy_vague"
RESPONDENT_NOT_NAMED = "respondent_not_named"
TONE_SHOUTING = "tone_shouting"

PROBLEM, REQUEST, REMEDY = "problem", "request", "remedy"
PARTS = (PROBLEM, REQUEST, REMEDY)

# How the 100 points are shared out. A letter without findings scores exactly 100.
POINTS_PER_REQUIRED_FIELD = 5  # complaint time, respondent, reason
POINTS_RESPONDENT_FIELD_ONLY = 3  # filled in, but the body never names the respondent
POINTS_PER_PART = 10  # problem, request, remedy
PARTS_OUT_OF_ORDER_PENALTY = 5
POINTS_TIME = 15
POINTS_TIME_WITHOUT_DATE = 10
POINTS_TIME_WEAK = 5  # only an hour or a date, or a time that contradicts the complaint time
POINTS_REMEDY_SPECIFIC = 10
POINTS_PRECISE_TERMS = 15  # shared among the policy's precise terms
POINTS_CALM_TONE = 15
BLAME_PHRASE_PENALTY = 5  # per distinct blame-shifting phrase
SHOUTING_PENALTY = 5

EXCLAMATIONS_TO_SHOUT = 3  # this many "!" in the letter, or two in a row, reads as shouting


@dataclass(frozen=True)
class Phrase:
    """A phrase from policy: matched as written (Chinese) and by its English meaning."""

    phrase: str
    meaning_en: str = ""
    advice: str = ""
    advice_en: str = ""


@dataclass(frozen=True)
class LetterDraft:
    """What the coach reads: the letter's fields as typed, and the phrases policy asks about."""

    complaint_time: datetime | None
    respondent: str
    reason: str
    body: str
    blame_phrases: Sequence[Phrase] = ()
    precise_terms: Sequence[Phrase] = ()
    time_zone: tzinfo = UTC  # the zone the requester writes times in (policy's, Asia/Shanghai)


@dataclass(frozen=True)
class Finding:
    """One thing the coach noticed, with the text it points at when there is one."""

    code: str
    severity: Severity
    field: str
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    span: tuple[int, int] | None = None
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form stored in Letter.coach_findings."""
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "params": dict(self.params),
            "span": list(self.span) if self.span else None,
            "text": self.text,
        }


@dataclass(frozen=True)
class TimeMention:
    """A moment written in the letter; fields not written stay None."""

    span: tuple[int, int]
    text: str
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    twelve_hour: bool = False  # "2:30" with no 下午 or pm: 02:30 or 14:30

    @property
    def to_the_minute(self) -> bool:
        return self.minute is not None

    def agrees_with(self, moment: datetime) -> bool:
        """True when every part written here equals the same part of `moment` (local time)."""
        pairs = (
            (self.year, moment.year), (self.month, moment.month), (self.day, moment.day),
            (self.minute, moment.minute),
        )
        if not all(written is None or written == actual for written, actual in pairs):
            return False
        if self.hour is None or self.hour == moment.hour:
            return True
        return self.twelve_hour and self.hour + 12 == moment.hour


@dataclass(frozen=True)
class CoachReport:
    """The coach's verdict: a 0-100 score, the findings, and what it recognised in the letter."""

    score: int
    findings: tuple[Finding, ...]
    parts_present: Mapping[str, bool]
    part_spans: Mapping[str, tuple[int, int] | None]
    terms_used: tuple[str, ...]
    terms_missing: tuple[str, ...]
    blame_phrases_found: tuple[str, ...]
    times_found: tuple[TimeMention, ...]
    time_consistent: bool | None  # None: nothing to compare (no complaint time or no minute in the body)
    remedy_specific: bool

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == ERROR)

    @property
    def ready(self) -> bool:
        """True when nothing required is missing; advice never holds a letter back."""
        return not self.errors

    def findings_as_dicts(self) -> list[dict[str, Any]]:
        return [finding.as_dict() for finding in self.findings]


# ---------------------------------------------------------------- the words that mark each part
# Chinese cues match anywhere; English ones are whole words, case-insensitive (see _cue_pattern).
PROBLEM_CUES = (
    "问题陈述", "情况说明", "事情经过", "问题", "情况", "经过", "事由", "起因", "背景", "原因是", "由于",
    "因为", "本人于", "我于", "投诉了", "举报了", "提交了", "发起了", "发起的",
    "problem", "issue", "what happened", "background", "situation", "circumstances",
    "I filed", "I lodged", "I submitted", "I made a complaint", "I complained", "I reported",
    "I have filed", "filed a complaint", "lodged a complaint",
)
REQUEST_CUES = (
    "撤销诉求", "撤回诉求", "申请撤回", "申请撤销", "请求撤回", "请求撤销", "撤回申请", "撤销申请", "撤诉",
    "恳请", "请求", "申请", "希望撤", "要求撤", "请予以撤", "请帮忙撤", "帮我撤",
    "request", "requesting", "I ask", "I would like to withdraw", "withdraw", "retract",
    "please cancel", "cancel the complaint", "please",
)
# A remedy that says what the respondent gets; a bare heading or "willing to negotiate" does not.
REMEDY_SPECIFIC_CUES = (
    # Not 承担 or 支付 alone: 承担举证责任 is no remedy, and 支付宝 is a platform.
    "补偿", "赔偿", "退款", "退还", "致歉", "道歉", "澄清", "弥补", "承担对方", "承担相关费用", "协商一致",
    "达成一致", "和解协议", "已和解",
    "compensate", "compensated", "compensating", "compensation", "refund", "refunded", "reimburse",
    "reimbursed", "apologise", "apologize", "apologised", "apologized", "apology", "pay", "paid",
    "settlement agreement", "agreed", "cover the cost", "cover their costs", "make good",
)
REMEDY_VAGUE_CUES = (
    "补救", "和解", "协商", "remedy", "remedies", "settle", "settled", "negotiate", "resolve",
)
REMEDY_CUES = REMEDY_SPECIFIC_CUES + REMEDY_VAGUE_CUES
AMOUNT = re.compile(
    r"(?:[¥￥]|\bRMB|\bCNY)\s*\d|\d[\d,，.]*\s*(?:元|块钱|\s?yuan\b|\s?RMB\b|\s?CNY\b)", re.IGNORECASE
)
SHOUTING = re.compile(r"[!！]{2,}")


def _is_latin(text: str) -> bool:
    return text.isascii()


def _phrase_regex(text: str) -> str:
    """A phrase as a pattern: English whole words, hyphen and space interchangeable."""
    words = re.split(r"[\s\-]+", text.strip())
    body = r"[\s\-]?".join(re.escape(word) for word in words if word)
    if _is_latin(text):
        return rf"(?<![A-Za-z]){body}(?![A-Za-z])"
    return body


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({cue for cue in cues if cue.strip()}, key=len, reverse=True)
    return re.compile("|".join(_phrase_regex(cue) for cue in alternatives), re.IGNORECASE)


PROBLEM_PATTERN = _cue_pattern(PROBLEM_CUES)
REQUEST_PATTERN = _cue_pattern(REQUEST_CUES)
REMEDY_PATTERN = _cue_pattern(REMEDY_CUES)
REMEDY_SPECIFIC_PATTERN = _cue_pattern(REMEDY_SPECIFIC_CUES)
PART_PATTERNS = {PROBLEM: PROBLEM_PATTERN, REQUEST: REQUEST_PATTERN, REMEDY: REMEDY_PATTERN}


# ------------------------------------------------------------------------------------ times
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


# ------------------------------------------------------------------------------------ the check
def _span_finding(code: str, text: str, span: tuple[int, int], *, fld: str = FIELD_BODY,
                  params: Mapping[str, Any] | None = None) -> Finding:
    return Finding(code=code, severity=ADVICE, field=fld, params=params or {}, span=span,
                   text=text[span[0]:span[1]])


def _phrase_matches(text: str, phrase: Phrase) -> list[tuple[int, int]]:
    alternatives = [alt for alt in (phrase.phrase, phrase.meaning_en) if alt.strip()]
    if not alternatives or not text:
        return []
    pattern = _cue_pattern(alternatives)
    return [match.span() for match in pattern.finditer(text)]


def _phrase_params(phrase: Phrase) -> dict[str, str]:
    return {"phrase": phrase.phrase, "meaning_en": phrase.meaning_en, "advice": phrase.advice,
            "advice_en": phrase.advice_en}


def _check_required(draft: LetterDraft) -> tuple[int, list[Finding]]:
    findings = []
    points = 0
    if draft.complaint_time is None:
        findings.append(Finding(COMPLAINT_TIME_MISSING, ERROR, FIELD_COMPLAINT_TIME))
    else:
        points += POINTS_PER_REQUIRED_FIELD
    respondent = draft.respondent.strip()
    if not respondent:
        findings.append(Finding(RESPONDENT_MISSING, ERROR, FIELD_RESPONDENT))
    elif draft.body.strip() and respondent.casefold() not in draft.body.casefold():
        findings.append(Finding(RESPONDENT_NOT_NAMED, ADVICE, FIELD_BODY, {"respondent": respondent}))
        points += POINTS_RESPONDENT_FIELD_ONLY
    else:
        points += POINTS_PER_REQUIRED_FIELD
    if not draft.reason.strip():
        findings.append(Finding(REASON_MISSING, ERROR, FIELD_REASON))
    else:
        points += POINTS_PER_REQUIRED_FIELD
    return points, findings


def _check_parts(body: str) -> tuple[int, list[Finding], dict[str, list[tuple[int, int]]]]:
    spans = {
        part: [match.span() for match in pattern.finditer(body)] for part, pattern in PART_PATTERNS.items()
    }
    spans[REMEDY] = sorted(spans[REMEDY] + [match.span() for match in AMOUNT.finditer(body)])
    findings = [
        Finding(PART_MISSING, ADVICE, FIELD_BODY, {"part": part}) for part in PARTS if not spans[part]
    ]
    points = POINTS_PER_PART * sum(1 for part in PARTS if spans[part])
    if all(spans.values()) and not _in_order(spans):
        findings.append(Finding(PARTS_OUT_OF_ORDER, ADVICE, FIELD_BODY))
        points -= PARTS_OUT_OF_ORDER_PENALTY
    return points, findings, spans


def _in_order(spans: Mapping[str, list[tuple[int, int]]]) -> bool:
    """True when some problem cue comes before some request cue, which comes before a remedy cue."""
    position = -1
    for part in PARTS:
        later = [start for start, _end in spans[part] if start > position]
        if not later:
            return False
        position = min(later)
    return True


def _check_time(draft: LetterDraft) -> tuple[int, list[Finding], list[TimeMention], bool | None]:
    body = draft.body
    mentions = find_times(body)
    precise = [mention for mention in mentions if mention.to_the_minute]
    if not precise:
        if mentions:
            first = mentions[0]
            return POINTS_TIME_WEAK, [_span_finding(TIME_NOT_TO_MINUTE, body, first.span)], mentions, None
        return 0, [Finding(TIME_MISSING, ADVICE, FIELD_BODY)], mentions, None

    consistent: bool | None = None
    local: datetime | None = None
    if draft.complaint_time is not None:
        local = draft.complaint_time.astimezone(draft.time_zone) if draft.complaint_time.tzinfo else (
            draft.complaint_time
        )
        agreeing = [mention for mention in precise if mention.agrees_with(local)]
        consistent = bool(agreeing)
        if not agreeing:
            finding = _span_finding(
                TIME_MISMATCH, body, precise[0].span,
                params={"found": precise[0].text, "expected": f"{local:%Y-%m-%d %H:%M}"},
            )
            return POINTS_TIME_WEAK, [finding], mentions, False
        precise = agreeing
    # The date may stand apart from the time ("3月5日下午,大约14:30"): a date alone that agrees counts.
    dated = [mention for mention in precise if mention.month is not None] or [
        mention for mention in mentions
        if mention.hour is None and (local is None or mention.agrees_with(local))
    ]
    if not dated:
        finding = _span_finding(TIME_WITHOUT_DATE, body, precise[0].span)
        return POINTS_TIME_WITHOUT_DATE, [finding], mentions, consistent
    return POINTS_TIME, [], mentions, consistent


def _check_remedy(body: str, remedy_present: bool) -> tuple[int, list[Finding], bool]:
    specific = bool(REMEDY_SPECIFIC_PATTERN.search(body) or AMOUNT.search(body))
    if specific:
        return POINTS_REMEDY_SPECIFIC, [], True
    if remedy_present:  # a missing remedy is already the part_missing finding
        match = REMEDY_PATTERN.search(body)
        if match is None:
            return 0, [Finding(REMEDY_VAGUE, ADVICE, FIELD_BODY)], False
        return 0, [_span_finding(REMEDY_VAGUE, body, match.span())], False
    return 0, [], False


def _check_terms(draft: LetterDraft) -> tuple[int, list[Finding], list[str], list[str]]:
    terms = [term for term in draft.precise_terms if term.phrase.strip()]
    if not terms:
        return POINTS_PRECISE_TERMS, [], [], []
    used = [
        term for term in terms if _phrase_matches(draft.body, term) or _phrase_matches(draft.reason, term)
    ]
    missing = [term for term in terms if term not in used]
    findings = [Finding(PRECISE_TERM_MISSING, ADVICE, FIELD_BODY, _phrase_params(term)) for term in missing]
    points = round(POINTS_PRECISE_TERMS * len(used) / len(terms))
    return points, findings, [term.phrase for term in used], [term.phrase for term in missing]


def _check_tone(draft: LetterDraft) -> tuple[int, list[Finding], list[str]]:
    findings: list[Finding] = []
    found: list[str] = []
    for fld, text in ((FIELD_REASON, draft.reason), (FIELD_BODY, draft.body)):
        matches = [
            (span, phrase) for phrase in draft.blame_phrases for span in _phrase_matches(text, phrase)
        ]
        # The longest phrase wins where two overlap ("不是我的错" over a shorter phrase inside it).
        matches.sort(key=lambda item: (-(item[0][1] - item[0][0]), item[0][0]))
        taken: list[tuple[int, int]] = []
        for span, phrase in matches:
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            findings.append(_span_finding(BLAME_SHIFTING, text, span, fld=fld, params=_phrase_params(phrase)))
    findings.sort(key=lambda finding: (finding.field != FIELD_REASON, finding.span or (0, 0)))
    for finding in findings:
        if finding.params["phrase"] not in found:
            found.append(finding.params["phrase"])
    points = POINTS_CALM_TONE - BLAME_PHRASE_PENALTY * len(found)
    shouting = SHOUTING.search(draft.body)
    exclamations = sum(draft.body.count(mark) for mark in "!！")
    if shouting:
        findings.append(_span_finding(TONE_SHOUTING, draft.body, shouting.span()))
    elif exclamations >= EXCLAMATIONS_TO_SHOUT:
        findings.append(Finding(TONE_SHOUTING, ADVICE, FIELD_BODY))
    if shouting or exclamations >= EXCLAMATIONS_TO_SHOUT:
        points -= SHOUTING_PENALTY
    return max(points, 0), findings, found


def letter_coach(draft: LetterDraft) -> CoachReport:
    """Check a letter and score it 0-100; a letter with no findings scores 100."""
    points, findings = _check_required(draft)
    body = draft.body
    tone_points, tone_findings, blame_found = _check_tone(draft)
    if not body.strip():
        findings.append(Finding(BODY_EMPTY, ADVICE, FIELD_BODY))
        findings.extend(tone_findings)  # the reason may still shift blame
        return CoachReport(
            score=_clamp(points), findings=tuple(findings),
            parts_present=dict.fromkeys(PARTS, False), part_spans=dict.fromkeys(PARTS),
            terms_used=(), terms_missing=tuple(term.phrase for term in draft.precise_terms),
            blame_phrases_found=tuple(blame_found), times_found=(), time_consistent=None,
            remedy_specific=False,
        )

    part_points, part_findings, spans = _check_parts(body)
    time_points, time_findings, mentions, consistent = _check_time(draft)
    remedy_points, remedy_findings, specific = _check_remedy(body, bool(spans[REMEDY]))
    term_points, term_findings, used, missing = _check_terms(draft)
    points += part_points + time_points + remedy_points + term_points + tone_points
    findings += part_findings + time_findings + remedy_findings + tone_findings + term_findings
    return CoachReport(
        score=_clamp(points),
        findings=tuple(findings),
        parts_present={part: bool(spans[part]) for part in PARTS},
        part_spans={part: spans[part][0] if spans[part] else None for part in PARTS},
        terms_used=tuple(used),
        terms_missing=tuple(missing),
        blame_phrases_found=tuple(blame_found),
        times_found=tuple(mentions),
        time_consistent=consistent,
        remedy_specific=specific,
    )


def _clamp(points: int) -> int:
    return max(0, min(100, points))
