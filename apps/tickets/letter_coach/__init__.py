"""The letter coach: check a withdrawal letter against the article's advice (DOMAIN "The letter").

Pure: no Django import in the checker (findings, cues, times, rules), so it runs on every keystroke
of the live check and is tested exhaustively. The phrases it looks for come in as data
(policy.LetterPhrase rows, turned into `Phrase`). How findings read lives beside it, with Django:
`glossary` (one word for one thing, for requesters) and `consumer` (plain sentences for requesters);
the staff wording is in apps.tickets.letter_coach_messages.

This package keeps every name the single module used to export, so callers import as before.
"""

from apps.tickets.letter_coach.cues import (
    AMOUNT,
    PART_PATTERNS,
    PROBLEM_CUES,
    PROBLEM_PATTERN,
    REMEDY_CUES,
    REMEDY_PATTERN,
    REMEDY_SPECIFIC_CUES,
    REMEDY_SPECIFIC_PATTERN,
    REMEDY_VAGUE_CUES,
    REQUEST_CUES,
    REQUEST_PATTERN,
    SHOUTING,
)
from apps.tickets.letter_coach.findings import (
    ADVICE,
    BLAME_SHIFTING,
    BODY_EMPTY,
    COMPLAINT_TIME_MISSING,
    ERROR,
    FIELD_BODY,
    FIELD_COMPLAINT_TIME,
    FIELD_REASON,
    FIELD_RESPONDENT,
    PART_MISSING,
    PARTS,
    PARTS_OUT_OF_ORDER,
    PRECISE_TERM_MISSING,
    PROBLEM,
    REASON_MISSING,
    REMEDY,
    REMEDY_VAGUE,
    REQUEST,
    RESPONDENT_MISSING,
    RESPONDENT_NOT_NAMED,
    TIME_MISMATCH,
    TIME_MISSING,
    TIME_NOT_TO_MINUTE,
    TIME_WITHOUT_DATE,
    TONE_SHOUTING,
    CoachReport,
    Finding,
    LetterDraft,
    Phrase,
    Severity,
    TimeMention,
)
from apps.tickets.letter_coach.rules import (
    BLAME_PHRASE_PENALTY,
    EXCLAMATIONS_TO_SHOUT,
    PARTS_OUT_OF_ORDER_PENALTY,
    POINTS_CALM_TONE,
    POINTS_PER_PART,
    POINTS_PER_REQUIRED_FIELD,
    POINTS_PRECISE_TERMS,
    POINTS_REMEDY_SPECIFIC,
    POINTS_RESPONDENT_FIELD_ONLY,
    POINTS_TIME,
    POINTS_TIME_WEAK,
    POINTS_TIME_WITHOUT_DATE,
    SHOUTING_PENALTY,
    letter_coach,
)
from apps.tickets.letter_coach.times import find_times

ALL_CODES = (
    COMPLAINT_TIME_MISSING, RESPONDENT_MISSING, REASON_MISSING, BODY_EMPTY, PART_MISSING,
    PARTS_OUT_OF_ORDER, BLAME_SHIFTING, PRECISE_TERM_MISSING, TIME_MISSING, TIME_NOT_TO_MINUTE,
    TIME_WITHOUT_DATE, TIME_MISMATCH, REMEDY_VAGUE, RESPONDENT_NOT_NAMED, TONE_SHOUTING,
)

__all__ = [
    "ADVICE", "ALL_CODES", "AMOUNT", "BLAME_PHRASE_PENALTY", "BLAME_SHIFTING", "BODY_EMPTY",
    "COMPLAINT_TIME_MISSING", "ERROR", "EXCLAMATIONS_TO_SHOUT", "FIELD_BODY", "FIELD_COMPLAINT_TIME",
    "FIELD_REASON", "FIELD_RESPONDENT", "PARTS", "PARTS_OUT_OF_ORDER", "PARTS_OUT_OF_ORDER_PENALTY",
    "PART_MISSING", "PART_PATTERNS", "POINTS_CALM_TONE", "POINTS_PER_PART", "POINTS_PER_REQUIRED_FIELD",
    "POINTS_PRECISE_TERMS", "POINTS_REMEDY_SPECIFIC", "POINTS_RESPONDENT_FIELD_ONLY", "POINTS_TIME",
    "POINTS_TIME_WEAK", "POINTS_TIME_WITHOUT_DATE", "PRECISE_TERM_MISSING", "PROBLEM", "PROBLEM_CUES",
    "PROBLEM_PATTERN", "REASON_MISSING", "REMEDY", "REMEDY_CUES", "REMEDY_PATTERN", "REMEDY_SPECIFIC_CUES",
    "REMEDY_SPECIFIC_PATTERN", "REMEDY_VAGUE", "REMEDY_VAGUE_CUES", "REQUEST", "REQUEST_CUES",
    "REQUEST_PATTERN", "RESPONDENT_MISSING", "RESPONDENT_NOT_NAMED", "SHOUTING", "SHOUTING_PENALTY",
    "TIME_MISMATCH", "TIME_MISSING", "TIME_NOT_TO_MINUTE", "TIME_WITHOUT_DATE", "TONE_SHOUTING",
    "CoachReport", "Finding", "LetterDraft", "Phrase", "Severity", "TimeMention", "find_times",
    "letter_coach",
]
