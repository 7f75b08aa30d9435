"""The coach's findings read as sentences in the reader's language, from what is stored."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from apps.tickets import letter_coach as coach
from apps.tickets.letter_coach import Finding, LetterDraft, Phrase, letter_coach
from apps.tickets.letter_coach_messages import finding_message, findings_render, part_name

BLAME = Phrase("误操作", "mis-operation", "说明发生了什么,而不是归因于误操作。",
               "Say what happened instead of calling it a mis-operation.")
TERM = Phrase("工单编号", "ticket number", "写明工单编号。", "Quote the ticket number.")
ALL_CODES = [
    coach.COMPLAINT_TIME_MISSING, coach.RESPONDENT_MISSING, coach.REASON_MISSING, coach.BODY_EMPTY,
    coach.PART_MISSING, coach.PARTS_OUT_OF_ORDER, coach.BLAME_SHIFTING, coach.PRECISE_TERM_MISSING,
    coach.TIME_MISSING, coach.TIME_NOT_TO_MINUTE, coach.TIME_WITHOUT_DATE, coach.TIME_MISMATCH,
    coach.REMEDY_VAGUE, coach.RESPONDENT_NOT_NAMED, coach.TONE_SHOUTING,
]


def blame_finding() -> Finding:
    report = letter_coach(
        LetterDraft(complaint_time=None, respondent="", reason="", body="属于误操作", blame_phrases=(BLAME,))
    )
    return next(finding for finding in report.findings if finding.code == coach.BLAME_SHIFTING)


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_has_a_sentence(code):
    with translation.override("en"):
        message = finding_message({"code": code, "params": {"part": "problem"}, "text": "3月5日"})

    assert message != code
    assert message.endswith(".")
    assert "%(" not in message


def test_blame_advice_comes_in_the_readers_language():
    finding = blame_finding()

    with translation.override("en"):
        english = finding_message(finding)
    with translation.override("zh-hans"):
        chinese = finding_message(finding)

    assert english == "“误操作” shifts the blame. Say what happened instead of calling it a mis-operation."
    assert chinese.endswith("说明发生了什么,而不是归因于误操作。")


def test_a_phrase_without_advice_still_reads_well():
    with translation.override("en"):
        message = finding_message({"code": coach.BLAME_SHIFTING, "params": {"phrase": "手滑"}})

    assert message == "“手滑” shifts the blame: state the facts calmly instead."


def test_a_missing_term_shows_its_english_meaning_to_english_readers():
    params = {"phrase": TERM.phrase, "meaning_en": TERM.meaning_en, "advice": TERM.advice,
              "advice_en": TERM.advice_en}
    finding = {"code": coach.PRECISE_TERM_MISSING, "params": params}

    with translation.override("en"):
        assert finding_message(finding) == (
            "Use the precise term “ticket number (工单编号)”. Quote the ticket number."
        )
    with translation.override("zh-hans"):
        assert "工单编号" in finding_message(finding)
        assert "ticket number" not in finding_message(finding)


def test_each_missing_part_has_its_own_advice():
    with translation.override("en"):
        messages = {part: finding_message({"code": coach.PART_MISSING, "params": {"part": part}})
                    for part in coach.PARTS}
        remedy = part_name("remedy")

    assert messages["problem"].startswith("Start with the problem")
    assert messages["request"].startswith("Ask clearly for the complaint to be withdrawn")
    assert messages["remedy"].startswith("Say what you offer the respondent")
    assert remedy == "remedy offered"


def test_a_mismatch_quotes_both_times():
    params = {"found": "3月6日 14:30", "expected": "2026-03-05 14:30"}
    finding = {"code": coach.TIME_MISMATCH, "params": params}

    with translation.override("en"):
        assert finding_message(finding) == (
            "The letter says “3月6日 14:30”, but the complaint time you gave is 2026-03-05 14:30. "
            "Make them agree."
        )


def test_stored_findings_render_with_their_message_and_keep_everything_else():
    stored = [blame_finding().as_dict()]

    with translation.override("en"):
        (rendered,) = findings_render(stored)
        expected = finding_message(stored[0])

    assert rendered == {**stored[0], "message": expected}
    assert rendered["span"] == [2, 5]


def test_a_code_from_a_newer_coach_falls_back_to_the_code():
    assert finding_message({"code": "something_new"}) == "something_new"


def test_a_report_renders_straight_from_the_checker():
    report = letter_coach(LetterDraft(complaint_time=datetime(2026, 3, 5, tzinfo=UTC), respondent="店",
                                      reason="r", body=""))

    with translation.override("en"):
        assert [item["message"] for item in findings_render(report.findings)] == [
            "Write the letter: state the problem, ask for the withdrawal, and say how you will put things "
            "right for the respondent."
        ]
