"""The coach's findings for the requester: plain sentences that explain, one per rule, with what to copy.

Staff read the precise wording (apps.tickets.letter_coach_messages); a requester reads this: every
term explained where it is asked for, the glossary's one word for each thing, 您 and Chinese
punctuation in Chinese, and the number itself when the page knows it, so it can be copied.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop

from apps.tickets.letter_coach import findings as codes
from apps.tickets.letter_coach.findings import ERROR, Finding
from apps.tickets.letter_coach.glossary import chinese_polished, glossary_words

FindingLike = Finding | Mapping[str, Any]


@dataclass(frozen=True)
class CoachContext:
    """What the page knows that a finding may show: the ticket's number, the complaint's time."""

    ticket_reference: str = ""
    complaint_filed_at: str = ""  # the platform's record of when the complaint was filed, local time
    complaint_time: str = ""  # the complaint time the requester gave in the form, local time


@dataclass(frozen=True)
class Advice:
    """One piece of advice: the sentence, and a line to copy into the letter when there is one."""

    message: str
    copy: str = ""


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _joined(*sentences: str) -> str:
    """Sentences one after another: a space between English ones, none after a Chinese full stop."""
    return ("" if not _english() else " ").join(sentence for sentence in sentences if sentence)


def _say(message: str, **params: Any) -> str:
    """A translated sentence with the glossary's words and these parameters filled in."""
    return message % {**glossary_words(), **params}


def _complaint_time_missing(params: Mapping[str, Any], context: CoachContext) -> Advice:
    message = _say(gettext(
        "Fill in the %(complaint_time)s: the date and minute you sent the %(complaint)s on the platform. "
        "The platform's record of your %(complaint)s shows it."
    ))
    if context.complaint_filed_at:
        return Advice(_joined(message, gettext("The platform's record says:")), context.complaint_filed_at)
    return Advice(message)


def _part_missing(params: Mapping[str, Any], context: CoachContext) -> Advice:
    part = params.get("part")
    if part == codes.PROBLEM:
        return Advice(_say(gettext(
            "Begin with what happened: when you sent the %(complaint)s, against whom, and why."
        )))
    if part == codes.REQUEST:
        return Advice(_say(gettext("Ask clearly for the %(complaint)s to be withdrawn, for example:")),
                      _say(gettext("I ask you to withdraw this %(complaint)s.")))
    return Advice(_say(gettext(
        "Say what %(compensation)s you offer %(respondent)s: a refund, a sum of money, or a written apology."
    )))


def _time_missing(params: Mapping[str, Any], context: CoachContext) -> Advice:
    message = _say(gettext(
        "Write in the %(letter)s the date and minute you sent the %(complaint)s, "
        "for example 2026-03-05 14:30."
    ))
    if context.complaint_time:
        above = _say(gettext("Your %(complaint_time)s above is:"))
        return Advice(_joined(message, above), context.complaint_time)
    return Advice(message)


def _time_mismatch(params: Mapping[str, Any], context: CoachContext) -> Advice:
    expected = str(params.get("expected", ""))
    return Advice(_say(gettext(
        "The %(letter)s says “%(found)s”, but above you gave %(expected)s as the %(complaint_time)s. "
        "Please make them the same."
    ), found=params.get("found", ""), expected=expected), expected)


def _respondent_not_named(params: Mapping[str, Any], context: CoachContext) -> Advice:
    name = str(params.get("respondent", ""))
    return Advice(_say(gettext("Name %(respondent)s in the %(letter)s, as in your %(complaint)s:")), name)


def _blame_shifting(phrases: list[str]) -> Advice:
    if _english():
        quoted = ", ".join(f"“{phrase}”" for phrase in phrases)
    else:
        quoted = "、".join(f"“{phrase}”" for phrase in phrases)
    return Advice(_say(gettext(
        "Words like %(phrases)s sound as if you were shifting the blame. Say calmly what you did, and when."
    ), phrases=quoted))


def _known_term(phrase: str) -> Advice | None:
    """The plain explanation of one of the article's precise terms, with a line that uses it."""
    if phrase == "举证责任":
        return Advice(_say(gettext(
            "“Burden of proof” means who has to show the evidence. Add a line to your %(letter)s such as:"
        )), gettext("I attach the evidence, as the burden of proof is mine."))
    if phrase == "复议程序":
        return Advice(_say(gettext(
            "The “review procedure” is how the platform looks at a decision again. If you are willing to "
            "help with it, add a line to your %(letter)s such as:"
        )), gettext("If the platform needs to check further, I will take part in the review procedure."))
    return None


def _precise_term_missing(params: Mapping[str, Any], context: CoachContext) -> Advice:
    phrase = str(params.get("phrase", ""))
    if phrase == "工单编号":
        message = _say(gettext(
            "Add the %(ticket_number)s: it is the number of this %(withdrawal_request)s, and customer "
            "service finds your request with it at once."
        ))
        if context.ticket_reference:
            line = _say(gettext("Copy this line into your %(letter)s:"))
            return Advice(_joined(message, line), gettext("Ticket number: %(reference)s") % {
                "reference": context.ticket_reference})
        where = gettext("It is shown at the top of this page.")
        return Advice(_joined(message, where))
    known = _known_term(phrase)
    if known is not None:
        return known
    meaning = str(params.get("meaning_en") or "")
    term = meaning if _english() and meaning else phrase
    advice = str(params.get("advice_en") or "")
    if not _english():
        advice = chinese_polished(str(params.get("advice") or ""))
    message = _say(gettext("Use the words “%(term)s” in your %(letter)s where they fit."), term=term)
    return Advice(_joined(message, advice))


def _simple(message: str) -> Callable[[Mapping[str, Any], CoachContext], Advice]:
    """A rule whose sentence needs only the glossary and the text it points at."""
    return lambda params, context: Advice(_say(gettext(message), text=params.get("text", "")))


# Each rule's consumer sentence; marked for translation here, translated when rendered.
_RULES: dict[str, Callable[[Mapping[str, Any], CoachContext], Advice]] = {
    codes.COMPLAINT_TIME_MISSING: _complaint_time_missing,
    codes.RESPONDENT_MISSING: _simple(gettext_noop(
        "Say who %(respondent)s is: the person, shop or account you complained about, named as in your "
        "%(complaint)s."
    )),
    codes.REASON_MISSING: _simple(gettext_noop(
        "Say in a sentence or two why you want to withdraw the %(complaint)s, for example that you have "
        "settled it with %(respondent)s."
    )),
    codes.BODY_EMPTY: _simple(gettext_noop(
        "Write your %(letter)s in three short parts: what happened, that you ask for the %(complaint)s to be "
        "withdrawn, and the %(compensation)s you offer %(respondent)s."
    )),
    codes.PART_MISSING: _part_missing,
    codes.PARTS_OUT_OF_ORDER: _simple(gettext_noop(
        "Put the parts in this order: what happened first, then your %(withdrawal_request)s, then the "
        "%(compensation)s."
    )),
    codes.TIME_MISSING: _time_missing,
    codes.TIME_NOT_TO_MINUTE: _simple(gettext_noop(
        "“%(text)s” needs the exact minute too, for example 14:30."
    )),
    codes.TIME_WITHOUT_DATE: _simple(gettext_noop(
        "Add the date to “%(text)s”, for example 2026-03-05 14:30."
    )),
    codes.TIME_MISMATCH: _time_mismatch,
    codes.REMEDY_VAGUE: _simple(gettext_noop(
        "Say exactly what %(compensation)s %(respondent)s gets, and when, for example a refund of 500 yuan "
        "within three days."
    )),
    codes.RESPONDENT_NOT_NAMED: _respondent_not_named,
    codes.TONE_SHOUTING: _simple(gettext_noop("Keep the tone calm: leave out the exclamation marks.")),
    codes.PRECISE_TERM_MISSING: _precise_term_missing,
}


def _rule_key(data: Mapping[str, Any]) -> tuple[str, str]:
    """What makes two findings the same advice: the rule, and the part or term it is about."""
    params: Mapping[str, Any] = data.get("params") or {}
    code = str(data.get("code", ""))
    if code == codes.PART_MISSING:
        return code, str(params.get("part", ""))
    if code == codes.PRECISE_TERM_MISSING:
        return code, str(params.get("phrase", ""))
    return code, ""


def consumer_findings_render(
    findings: Iterable[FindingLike], *, context: CoachContext | None = None, hide_fields: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The findings as a requester reads them: one item per rule, in the order first found.

    `hide_fields`: fields whose error the form already shows beside the field; their required-field
    finding is not listed a second time in the coach's list.
    """
    context = context or CoachContext()
    hidden = set(hide_fields)
    items: dict[tuple[str, str], dict[str, Any]] = {}
    blame: list[str] = []
    for finding in findings:
        data = finding.as_dict() if isinstance(finding, Finding) else finding
        code, field = str(data.get("code", "")), str(data.get("field", ""))
        if data.get("severity") == ERROR and field in hidden:
            continue
        params = {**(data.get("params") or {}), "text": str(data.get("text") or "")}
        key = _rule_key(data)
        if code == codes.BLAME_SHIFTING:
            # As the requester wrote it ("by accident" or 不小心), once however often it appears.
            phrase = str(params["text"] or params.get("phrase") or "")
            if phrase and phrase.casefold() not in (seen.casefold() for seen in blame):
                blame.append(phrase)
        elif key in items or code not in _RULES:
            continue
        items.setdefault(key, {"code": code, "severity": data.get("severity", ""), "field": field})
        if code != codes.BLAME_SHIFTING:
            advice = _RULES[code](params, context)
            items[key].update(message=advice.message, copy=advice.copy)
    if blame:
        items[(codes.BLAME_SHIFTING, "")].update(message=_blame_shifting(blame).message, copy="")
    return list(items.values())


def coach_verdict(findings: Iterable[FindingLike]) -> str:
    """What the coach says about the letter as a whole: ready, ready with tips, or what it still needs."""
    severities = [
        finding.severity if isinstance(finding, Finding) else finding.get("severity")
        for finding in findings
    ]
    if not severities:
        return gettext("This letter is ready to send.")
    if ERROR not in severities:
        return gettext("You can send this letter; the tips below make it stronger.")
    return gettext("A few things are still missing:")
