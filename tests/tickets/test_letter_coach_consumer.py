"""The coach speaking to a requester: plain words, one glossary, 您, Chinese punctuation, each rule once."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from apps.tickets import letter_coach as coach
from apps.tickets.letter_coach import LetterDraft, Phrase, letter_coach
from apps.tickets.letter_coach.glossary import GLOSSARY, chinese_polished, words_to_avoid
from apps.tickets.letter_coach_messages import (
    CONSUMER,
    CoachContext,
    coach_verdict,
    finding_message,
    findings_render,
)
from tests.tickets.test_letter_coach import BLAME, COMPLAINT_TIME, MODEL_LETTER, RESPONDENT, SHANGHAI, TERMS

CONTEXT = CoachContext(
    ticket_reference="CH-7KQ2-MX9A", complaint_filed_at="2026-03-05 14:30", complaint_time="2026-03-05 14:30"
)
UNKNOWN_TERM = Phrase("和解协议", "settlement agreement", "写明你们签订的和解协议(如有)。",
                      "Mention the settlement agreement, if there is one.")


def _finding(code: str, severity: str = "advice", field: str = "body", text: str = "3月5日", **params):
    return {"code": code, "severity": severity, "field": field, "params": params, "span": None, "text": text}


def _term(phrase: Phrase) -> dict:
    return _finding(coach.PRECISE_TERM_MISSING, phrase=phrase.phrase, meaning_en=phrase.meaning_en,
                    advice=phrase.advice, advice_en=phrase.advice_en)


# One finding of every rule, with every variant a rule has (each part, each term, with and without
# what the page knows): rendering these renders every consumer sentence there is.
EVERY_FINDING = [
    _finding(coach.COMPLAINT_TIME_MISSING, "error", "complaint_time"),
    _finding(coach.RESPONDENT_MISSING, "error", "respondent"),
    _finding(coach.REASON_MISSING, "error", "reason"),
    _finding(coach.BODY_EMPTY),
    *[_finding(coach.PART_MISSING, part=part) for part in coach.PARTS],
    _finding(coach.PARTS_OUT_OF_ORDER),
    _finding(coach.BLAME_SHIFTING, text="不小心", **{"phrase": "不小心", "advice": BLAME[1].advice}),
    *[_term(term) for term in (*TERMS, UNKNOWN_TERM)],
    _finding(coach.TIME_MISSING),
    _finding(coach.TIME_NOT_TO_MINUTE, text="3月5日下午"),
    _finding(coach.TIME_WITHOUT_DATE, text="14:30"),
    _finding(coach.TIME_MISMATCH, found="3月6日 14:30", expected="2026-03-05 14:30"),
    _finding(coach.REMEDY_VAGUE, text="协商"),
    _finding(coach.RESPONDENT_NOT_NAMED, respondent=RESPONDENT),
    _finding(coach.TONE_SHOUTING, text="！！"),
]


def every_sentence(language: str) -> list[str]:
    """Every sentence the coach can say to a requester in this language, and every line it offers to copy."""
    with translation.override(language):
        sentences = [coach_verdict([]), coach_verdict([EVERY_FINDING[4]]), coach_verdict(EVERY_FINDING)]
        for context in (CONTEXT, CoachContext()):
            for item in findings_render(EVERY_FINDING, audience=CONSUMER, context=context):
                sentences += [item["message"], item["copy"]]
    return [sentence for sentence in sentences if sentence]


def test_every_rule_has_its_own_plain_sentence_in_both_languages():
    assert {finding["code"] for finding in EVERY_FINDING} == set(coach.ALL_CODES)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            items = findings_render(EVERY_FINDING, audience=CONSUMER, context=CONTEXT)
        messages = [item["message"] for item in items]
        assert len(items) == len(EVERY_FINDING)
        assert len(set(messages)) == len(messages)
        assert all("%(" not in message and message.strip() for message in messages)
        if language == "zh-hans":
            assert all(re.search(r"[\u4e00-\u9fff]", message) for message in messages)


CHINESE = r"[\u4e00-\u9fff]"
# ASCII marks that have a Chinese form; a colon only between digits (14:30), a full stop only in numbers.
ASCII_PUNCTUATION_IN_CHINESE = re.compile(
    rf"[,;?!()\"']|(?<!\d):|:(?!\d)|(?<={CHINESE})\.|\.(?={CHINESE})"
)


@pytest.mark.parametrize("sentence", every_sentence("zh-hans"))
def test_every_chinese_sentence_says_nin_and_uses_chinese_punctuation(sentence):
    assert "你" not in sentence
    assert not ASCII_PUNCTUATION_IN_CHINESE.search(sentence), sentence
    assert not re.search(r"[。：；，] ", sentence), sentence  # no English spacing after Chinese marks


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_sentence_keeps_to_the_glossary(language):
    avoided = words_to_avoid(language)
    for sentence in every_sentence(language):
        used = [word for word in avoided if word.casefold() in sentence.casefold()]
        assert not used, (sentence, used)


def test_the_chinese_sentences_use_the_glossarys_words():
    with translation.override("zh-hans"):
        words = {key: str(term.word) for key, term in GLOSSARY.items()}
        text = " ".join(every_sentence("zh-hans"))
    assert words["complaint_number"] == "投诉单号"
    assert words["withdrawal_request"] == "撤回申请"
    for key in ("complaint", "complaint_time", "withdrawal_request", "letter", "ticket_number", "respondent",
                "compensation"):
        assert words[key] in text, key


def test_a_good_letter_is_told_so():
    report = letter_coach(LetterDraft(COMPLAINT_TIME, RESPONDENT, "对方已取得授权", MODEL_LETTER,
                                      blame_phrases=BLAME, precise_terms=TERMS, time_zone=SHANGHAI))
    assert report.findings == ()

    with translation.override("zh-hans"):
        assert coach_verdict(report.findings) == "这封信已经写得很好，可以提交。"
    with translation.override("en"):
        assert coach_verdict(report.findings) == "This letter is ready to send."
        assert findings_render(report.findings, audience=CONSUMER) == []


def test_advice_alone_does_not_hold_the_letter_back():
    with translation.override("zh-hans"):
        assert coach_verdict([_finding(coach.TONE_SHOUTING)]) == "这封信可以提交；按下面的建议修改会更好。"
        assert coach_verdict([_finding(coach.REASON_MISSING, "error", "reason")]) == "还缺少下面几项："


def test_the_ticket_number_is_explained_and_shown_to_copy():
    with translation.override("zh-hans"):
        (item,) = findings_render([_term(TERMS[0])], audience=CONSUMER, context=CONTEXT)
    assert "这份撤回申请的编号" in item["message"]
    assert item["copy"] == "工单编号：CH-7KQ2-MX9A"

    with translation.override("en"):
        (item,) = findings_render([_term(TERMS[0])], audience=CONSUMER)
    assert item["message"].endswith("It is shown at the top of this page.")
    assert item["copy"] == ""


def test_a_copied_line_satisfies_the_rule_that_asked_for_it():
    """What the coach suggests copying is what it looks for: pasting it clears the finding."""
    body = MODEL_LETTER.replace("(工单编号 CH-7KQ2-MX9A)", "").replace("相关证据已按举证责任一并提交。", "")
    body = body.replace("如平台需要进一步核实,本人愿意配合复议程序。", "")
    draft = LetterDraft(COMPLAINT_TIME, RESPONDENT, "对方已取得授权", body, precise_terms=TERMS,
                        time_zone=SHANGHAI)
    missing = letter_coach(draft).findings
    assert [finding.code for finding in missing] == [coach.PRECISE_TERM_MISSING] * 3

    with translation.override("zh-hans"):
        copies = [item["copy"] for item in findings_render(missing, audience=CONSUMER, context=CONTEXT)]
    pasted = LetterDraft(COMPLAINT_TIME, RESPONDENT, "对方已取得授权", body + "".join(copies),
                         precise_terms=TERMS, time_zone=SHANGHAI)
    assert letter_coach(pasted).findings == ()


def test_the_complaint_time_shows_what_the_platform_recorded():
    with translation.override("zh-hans"):
        (item,) = findings_render([EVERY_FINDING[0]], audience=CONSUMER, context=CONTEXT)
    assert item["message"].startswith("请填写投诉时间，也就是您在平台上提交这次投诉的日期和时间")
    assert item["copy"] == "2026-03-05 14:30"


def test_a_blame_phrase_is_listed_once_across_the_reason_and_the_letter():
    report = letter_coach(LetterDraft(
        COMPLAINT_TIME, RESPONDENT, "我不小心点错了", "我不小心投诉了对方，又不小心点错了！",
        blame_phrases=BLAME,
    ))
    assert [finding.code for finding in report.findings].count(coach.BLAME_SHIFTING) == 5

    with translation.override("zh-hans"):
        items = findings_render(report.findings, audience=CONSUMER)
    blame = [item for item in items if item["code"] == coach.BLAME_SHIFTING]
    assert len(blame) == 1
    assert blame[0]["message"].startswith("“不小心”、“点错了”这类说法听起来像在推卸责任。")
    assert len({item["message"] for item in items}) == len(items)


def test_the_same_finding_stored_twice_is_listed_once():
    twice = [_finding(coach.PART_MISSING, part="remedy"), _finding(coach.PART_MISSING, part="remedy"),
             _finding(coach.PART_MISSING, part="problem"), _term(TERMS[1]), _term(TERMS[1])]
    with translation.override("en"):
        items = findings_render(twice, audience=CONSUMER)
    assert [item["code"] for item in items] == [
        coach.PART_MISSING, coach.PART_MISSING, coach.PRECISE_TERM_MISSING,
    ]


def test_a_field_the_form_already_marks_is_not_repeated_in_the_coachs_list():
    findings = [EVERY_FINDING[0], EVERY_FINDING[2], _finding(coach.TONE_SHOUTING)]
    with translation.override("en"):
        items = findings_render(findings, audience=CONSUMER, hide_fields=["complaint_time", "reason"])
    assert [item["code"] for item in items] == [coach.TONE_SHOUTING]


def test_staff_keep_the_precise_wording():
    finding = _term(TERMS[0])
    with translation.override("en"):
        assert finding_message(finding) == (
            "Use the precise term “ticket number (工单编号)”. Quote the ticket number."
        )
        (staff,) = findings_render([finding])
    assert staff["params"]["phrase"] == "工单编号" and "span" in staff


def test_policy_advice_is_made_fit_for_a_requester():
    polished = chinese_polished("如有需要,说明你了解复议程序(如适用)。")
    assert polished == "如有需要，说明您了解复议程序（如适用）。"
    assert chinese_polished("14:30 at 3 p.m., fine") == "14:30 at 3 p.m., fine"


def test_a_finding_from_a_newer_coach_is_left_out_for_requesters():
    assert findings_render([{"code": "something_new", "severity": "advice"}], audience=CONSUMER) == []


def test_a_report_renders_for_requesters_straight_from_the_checker():
    report = letter_coach(LetterDraft(complaint_time=datetime(2026, 3, 5, tzinfo=UTC), respondent="店",
                                      reason="r", body=""))
    with translation.override("en"):
        (item,) = findings_render(report.findings, audience=CONSUMER)
    assert item["message"].startswith("Write your letter in three short parts: what happened")
