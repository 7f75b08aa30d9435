"""What the letter coach reads and what it answers: the draft, the findings and their codes, the report.

Pure: no Django import. Findings carry a code and parameters, never a sentence: the Django side
(apps.tickets.letter_coach_messages) renders them for the reader, staff or consumer.
"""

from collections.abc import Mapping, Sequence
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

