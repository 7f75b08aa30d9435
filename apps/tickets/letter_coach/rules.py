"""The coach's rules: check a withdrawal letter against the article's advice (DOMAIN "The letter").

It never refuses a letter. Only a missing required field (complaint time, respondent, reason) is
an "error"; everything else is "advice", and the score says how close the letter is to the model.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from apps.tickets.letter_coach.cues import (
    AMOUNT,
    PART_PATTERNS,
    REMEDY_PATTERN,
    REMEDY_SPECIFIC_PATTERN,
    SHOUTING,
    cue_pattern,
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
    REASON_MISSING,
    REMEDY,
    REMEDY_VAGUE,
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
    TimeMention,
)
from apps.tickets.letter_coach.times import find_times

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


def _span_finding(code: str, text: str, span: tuple[int, int], *, fld: str = FIELD_BODY,
                  params: Mapping[str, Any] | None = None) -> Finding:
    return Finding(code=code, severity=ADVICE, field=fld, params=params or {}, span=span,
                   text=text[span[0]:span[1]])


def _phrase_matches(text: str, phrase: Phrase) -> list[tuple[int, int]]:
    alternatives = [alt for alt in (phrase.phrase, phrase.meaning_en) if alt.strip()]
    if not alternatives or not text:
        return []
    pattern = cue_pattern(alternatives)
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
