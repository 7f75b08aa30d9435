"""The letter coach's findings as sentences, in the active language, for staff or for the requester.

Findings are stored as codes and parameters (Letter.coach_findings), so a letter checked in
Chinese reads in English for an English-speaking agent, and a reworded message needs no data fix.
Staff read the precise wording below; the requester reads plain sentences (letter_coach.consumer).
"""

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from django.utils.translation import get_language, gettext, pgettext

from apps.tickets import letter_coach as coach
from apps.tickets.letter_coach.consumer import CoachContext, coach_verdict, consumer_findings_render

FindingLike = coach.Finding | Mapping[str, Any]
Audience = Literal["staff", "consumer"]
STAFF: Audience = "staff"
CONSUMER: Audience = "consumer"

__all__ = [
    "CONSUMER", "STAFF", "Audience", "CoachContext", "coach_verdict", "finding_message", "findings_render",
    "part_name",
]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _localised(params: Mapping[str, Any], key: str) -> str:
    """The English variant of a policy text when English is active and it has one, else the Chinese."""
    english = str(params.get(f"{key}_en") or "")
    return english if _english() and english else str(params.get(key) or "")


def part_name(part: str) -> str:
    """The name of one of the letter's three parts."""
    names = {
        coach.PROBLEM: pgettext("letter part", "problem statement"),
        coach.REQUEST: pgettext("letter part", "withdrawal request"),
        coach.REMEDY: pgettext("letter part", "remedy offered"),
    }
    return names.get(part, part)


def _part_missing(params: Mapping[str, Any]) -> str:
    part = params.get("part")
    if part == coach.PROBLEM:
        return gettext(
            "Start with the problem: which complaint you made, against whom, when, and what happened."
        )
    if part == coach.REQUEST:
        return gettext("Ask clearly for the complaint to be withdrawn, e.g. “I request the withdrawal of "
                       "complaint …”.")
    if part == coach.REMEDY:
        return gettext("Say what you offer the respondent: a refund, compensation, an apology, or the "
                       "agreement you have reached.")
    return gettext("Add the missing part: %(part)s.") % {"part": part_name(str(part))}


def _blame_shifting(params: Mapping[str, Any]) -> str:
    advice = _localised(params, "advice")
    phrase = str(params.get("phrase", ""))
    if advice:
        return gettext("“%(phrase)s” shifts the blame. %(advice)s") % {"phrase": phrase, "advice": advice}
    return gettext("“%(phrase)s” shifts the blame: state the facts calmly instead.") % {"phrase": phrase}


def _precise_term_missing(params: Mapping[str, Any]) -> str:
    term = str(params.get("phrase", ""))
    meaning = str(params.get("meaning_en") or "")
    if _english() and meaning:
        term = f"{meaning} ({term})"
    advice = _localised(params, "advice")
    if advice:
        return gettext("Use the precise term “%(term)s”. %(advice)s") % {"term": term, "advice": advice}
    return gettext("Use the precise term “%(term)s”.") % {"term": term}


def finding_message(finding: FindingLike) -> str:
    """One finding as a sentence in the active language."""
    data = finding.as_dict() if isinstance(finding, coach.Finding) else finding
    code = str(data.get("code", ""))
    params: Mapping[str, Any] = data.get("params") or {}
    text = str(data.get("text") or "")
    simple = {
        coach.COMPLAINT_TIME_MISSING: lambda: gettext("Give the time the complaint was made, to the minute."),
        coach.RESPONDENT_MISSING: lambda: gettext(
            "Name the respondent: the person, shop or account the complaint was made against."
        ),
        coach.REASON_MISSING: lambda: gettext("Give the reason you are withdrawing the complaint."),
        coach.BODY_EMPTY: lambda: gettext(
            "Write the letter: state the problem, ask for the withdrawal, and say how you will put "
            "things right for the respondent."
        ),
        coach.PARTS_OUT_OF_ORDER: lambda: gettext(
            "Put the parts in order: the problem first, then the withdrawal request, then the remedy."
        ),
        coach.TIME_MISSING: lambda: gettext(
            "Give the moment of the complaint to the minute, e.g. 2026-03-05 14:30."
        ),
        coach.TIME_NOT_TO_MINUTE: lambda: gettext(
            "“%(text)s” is not precise enough: give the time of the complaint to the minute, e.g. 14:30."
        ) % {"text": text},
        coach.TIME_WITHOUT_DATE: lambda: gettext(
            "Add the date to “%(text)s”, e.g. 2026-03-05 14:30."
        ) % {"text": text},
        coach.TIME_MISMATCH: lambda: gettext(
            "The letter says “%(found)s”, but the complaint time you gave is %(expected)s. Make them agree."
        ) % {"found": params.get("found", text), "expected": params.get("expected", "")},
        coach.REMEDY_VAGUE: lambda: gettext(
            "Make the remedy specific: say what the respondent receives (a refund, an amount, an apology) "
            "and when."
        ),
        coach.RESPONDENT_NOT_NAMED: lambda: gettext("Name the respondent (%(respondent)s) in the letter.") % {
            "respondent": params.get("respondent", "")
        },
        coach.TONE_SHOUTING: lambda: gettext("Keep a calm tone: leave out the exclamation marks."),
        coach.PART_MISSING: lambda: _part_missing(params),
        coach.BLAME_SHIFTING: lambda: _blame_shifting(params),
        coach.PRECISE_TERM_MISSING: lambda: _precise_term_missing(params),
    }
    render = simple.get(code)
    return render() if render is not None else code


def findings_render(
    findings: Iterable[FindingLike],
    *,
    audience: Audience = STAFF,
    context: CoachContext | None = None,
    hide_fields: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The findings with their message for this audience.

    Staff: every finding as stored (code, severity, field, params, span, text) plus its message.
    Consumer: one plain item per rule (code, severity, field, message, copy); see
    `consumer_findings_render` for `context` and `hide_fields`.
    """
    if audience == CONSUMER:
        return consumer_findings_render(findings, context=context, hide_fields=hide_fields)
    rendered = []
    for finding in findings:
        data = finding.as_dict() if isinstance(finding, coach.Finding) else dict(finding)
        rendered.append({**data, "message": finding_message(data)})
    return rendered
