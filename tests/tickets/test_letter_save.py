"""letter_save and letter_check: the coach's verdict stored with the letter, and the rules around it."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from apps.accounts.roles import AGENT, SUPERVISOR, roles_sync
from apps.core.errors import ApplicationError
from apps.policy.models import LetterPhrase, PolicySettings
from apps.tickets.letters import (
    LETTER_BODY_MAX_CHARS,
    letter_check,
    letter_coach_policy_get,
    letter_save,
)
from apps.tickets.models import EventKind, Letter, TicketEvent, TicketStatus, WithdrawalTicket
from tests.factories import DraftFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)
COMPLAINT_TIME = datetime(2026, 3, 5, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
BODY = (
    "问题陈述:本人于2026年3月5日 14:30对「星河数码专营店」提交了侵权投诉,对方已取得作品授权。\n"
    "撤销诉求:现申请撤销上述投诉(工单编号 CH-7KQ2-MX9A)。相关证据已按举证责任一并提交。\n"
    "补救措施:本人将向对方书面致歉,并补偿 500 元。本人了解复议程序。"
)
LETTER = {
    "complaint_time": COMPLAINT_TIME, "respondent": "星河数码专营店", "reason": "对方已取得授权",
    "body": BODY,
}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("apps.core.clock.now", lambda: NOW)
    return NOW


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


def staff_in(role: str):
    roles_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)


def events_of(ticket: WithdrawalTicket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))


# ------------------------------------------------------------------------------ drafts
def test_a_draft_letter_is_saved_with_its_score_and_findings_silently():
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester, **LETTER)

    letter.refresh_from_db()
    assert (letter.complaint_time, letter.respondent, letter.reason, letter.body) == (
        COMPLAINT_TIME, "星河数码专营店", "对方已取得授权", BODY
    )
    assert letter.coach_score == 100
    assert letter.coach_findings == []
    assert events_of(ticket) == []
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_an_incomplete_draft_is_saved_as_typed_with_its_errors_stored():
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester, complaint_time=None, respondent="",
                         reason="", body="我不小心投诉了")

    letter.refresh_from_db()
    assert letter.body == "我不小心投诉了"
    assert [finding["code"] for finding in letter.coach_findings if finding["severity"] == "error"] == [
        "complaint_time_missing", "respondent_missing", "reason_missing",
    ]
    blame = next(finding for finding in letter.coach_findings if finding["code"] == "blame_shifting")
    assert (blame["span"], blame["text"]) == ([1, 4], "不小心")
    assert letter.coach_score < 30


def test_saving_again_updates_the_one_letter_of_the_ticket():
    ticket = DraftFactory()
    letter_save(ticket=ticket, actor=ticket.requester, **{**LETTER, "body": "申请撤销。"})

    letter = letter_save(ticket=ticket, actor=ticket.requester, **LETTER)

    assert Letter.objects.filter(ticket=ticket).count() == 1
    assert Letter.objects.get(ticket=ticket).pk == letter.pk
    assert letter.coach_score == 100


def test_the_complaint_time_is_kept_to_the_minute():
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester,
                         **{**LETTER, "complaint_time": datetime(2026, 3, 5, 6, 30, 59, 999, tzinfo=UTC)})

    letter.refresh_from_db()
    assert letter.complaint_time == COMPLAINT_TIME


def test_a_complaint_time_without_a_zone_is_read_in_the_policy_time_zone():
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester,
                         **{**LETTER, "complaint_time": datetime(2026, 3, 5, 14, 30)})  # noqa: DTZ001

    letter.refresh_from_db()
    assert letter.complaint_time == COMPLAINT_TIME
    assert letter.coach_score == 100


def test_a_complaint_time_in_the_future_is_refused():
    ticket = DraftFactory()

    with pytest.raises(ApplicationError) as refused:
        letter_save(ticket=ticket, actor=ticket.requester,
                    **{**LETTER, "complaint_time": NOW.replace(minute=1)})

    assert refused.value.message == (
        "The complaint time is in the future. Give the time the complaint was made."
    )
    assert refused.value.extra == {"code": "complaint_time_future", "field": "complaint_time"}
    assert not Letter.objects.filter(ticket=ticket).exists()


def test_the_minute_now_is_not_the_future():
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester, **{**LETTER, "complaint_time": NOW})

    assert letter.complaint_time == NOW


def test_a_letter_longer_than_the_limit_is_refused_and_one_at_the_limit_saved():
    ticket = DraftFactory()

    with pytest.raises(ApplicationError) as refused:
        letter_save(ticket=ticket, actor=ticket.requester,
                    **{**LETTER, "body": "字" * (LETTER_BODY_MAX_CHARS + 1)})
    letter = letter_save(ticket=ticket, actor=ticket.requester,
                         **{**LETTER, "body": "字" * LETTER_BODY_MAX_CHARS})

    assert refused.value.extra == {"code": "too_long", "field": "body", "limit": LETTER_BODY_MAX_CHARS}
    assert refused.value.message == f"This text is too long: at most {LETTER_BODY_MAX_CHARS} characters."
    assert len(letter.body) == LETTER_BODY_MAX_CHARS


# ------------------------------------------------------------------------------ who may write
def test_someone_else_may_not_write_the_letter():
    ticket = DraftFactory()
    stranger = UserFactory()

    with pytest.raises(ApplicationError) as refused:
        letter_save(ticket=ticket, actor=stranger, **LETTER)

    assert refused.value.extra == {"code": "not_allowed"}
    assert not Letter.objects.filter(ticket=ticket).exists()


def test_an_agent_may_read_but_not_write_the_letter():
    ticket = TicketFactory()

    with pytest.raises(ApplicationError):
        letter_save(ticket=ticket, actor=staff_in(AGENT), **LETTER)


def test_a_supervisor_may_correct_a_submitted_letter_and_the_correction_is_recorded():
    ticket = TicketFactory()
    supervisor = staff_in(SUPERVISOR)

    letter = letter_save(ticket=ticket, actor=supervisor, **LETTER)

    (event,) = events_of(ticket)
    assert (event.kind, event.actor, event.data) == (
        EventKind.NOTE, supervisor,
        {"model": "letter", "id": letter.pk, "fields": ["complaint_time", "respondent", "reason", "body"]},
    )


# ------------------------------------------------------------------------------ after submission
def test_a_change_to_a_submitted_letter_raises_the_version_and_records_which_fields_not_their_text():
    ticket = TicketFactory()
    letter_save(ticket=ticket, actor=ticket.requester, **LETTER)
    ticket.refresh_from_db()
    version = ticket.version

    letter = letter_save(ticket=ticket, actor=ticket.requester, **{**LETTER, "reason": "双方已协商一致"})

    ticket.refresh_from_db()
    assert ticket.version == version + 1
    event = events_of(ticket)[-1]
    assert (event.kind, event.actor, event.to_value) == (EventKind.NOTE, ticket.requester, "reason")
    assert event.data == {"model": "letter", "id": letter.pk, "fields": ["reason"]}
    assert "双方已协商一致" not in str(event.data) + event.to_value


def test_saving_a_submitted_letter_unchanged_records_nothing():
    ticket = TicketFactory()
    letter_save(ticket=ticket, actor=ticket.requester, **LETTER)
    ticket.refresh_from_db()
    before = (ticket.version, len(events_of(ticket)))

    letter_save(ticket=ticket, actor=ticket.requester, **LETTER)

    ticket.refresh_from_db()
    assert (ticket.version, len(events_of(ticket))) == before


def test_a_submitted_letter_must_keep_its_required_facts():
    ticket = TicketFactory()
    letter_save(ticket=ticket, actor=ticket.requester, **LETTER)

    with pytest.raises(ApplicationError) as refused:
        letter_save(ticket=ticket, actor=ticket.requester, **{**LETTER, "reason": "  ", "respondent": ""})

    assert refused.value.message == (
        "A submitted letter must keep the complaint time, the respondent and the reason."
    )
    assert [(finding["code"], finding["message"]) for finding in refused.value.extra["findings"]] == [
        ("respondent_missing",
         "Name the respondent: the person, shop or account the complaint was made against."),
        ("reason_missing", "Give the reason you are withdrawing the complaint."),
    ]
    assert Letter.objects.get(ticket=ticket).reason == "对方已取得授权"


def test_an_imperfect_submitted_letter_is_never_blocked():
    ticket = TicketFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester, **{**LETTER, "body": "误操作,请撤销!!"})

    assert letter.coach_score < 50
    assert all(finding["severity"] == "advice" for finding in letter.coach_findings)


@pytest.mark.parametrize(
    "status", [TicketStatus.APPROVED, TicketStatus.REFUSED, TicketStatus.EXPIRED, TicketStatus.CANCELLED]
)
def test_a_closed_tickets_letter_is_final(status):
    ticket = TicketFactory(status=status)

    with pytest.raises(ApplicationError) as refused:
        letter_save(ticket=ticket, actor=ticket.requester, **LETTER)

    assert refused.value.message == "This ticket is closed: its letter can no longer be changed."
    assert refused.value.extra == {"code": "ticket_closed", "status": status}


# ------------------------------------------------------------------------------ policy and check
def test_the_phrases_come_from_editable_policy():
    LetterPhrase.objects.create(
        kind=LetterPhrase.Kind.BLAME_SHIFTING, phrase="怪平台", meaning_en="blame the platform",
        advice="不要指责平台。", advice_en="Do not blame the platform.",
    )
    LetterPhrase.objects.filter(kind=LetterPhrase.Kind.PRECISE_TERM, phrase="复议程序").delete()
    ticket = DraftFactory()

    letter = letter_save(ticket=ticket, actor=ticket.requester,
                         **{**LETTER, "body": BODY.replace("本人了解复议程序。", "这要怪平台。")})

    assert [(finding["code"], finding["text"]) for finding in letter.coach_findings] == [
        ("blame_shifting", "怪平台"),
    ]


def test_letter_check_reports_without_writing_anything():
    ticket = DraftFactory()

    report = letter_check(complaint_time=COMPLAINT_TIME, respondent="星河数码专营店", reason="",
                          body=BODY.replace("2026年3月5日 14:30", "3月5日"))

    assert [finding.code for finding in report.findings] == ["reason_missing", "time_not_to_minute"]
    assert report.score == 100 - 5 - 10
    assert not Letter.objects.filter(ticket=ticket).exists()
    assert not TicketEvent.objects.exists()


def test_letter_check_reuses_a_loaded_policy(django_assert_num_queries):
    policy = letter_coach_policy_get()

    with django_assert_num_queries(0):
        for body in ("申请", "申请撤销", "申请撤销投诉"):
            letter_check(complaint_time=None, respondent="", reason="", body=body, policy=policy)


def test_letter_check_applies_the_same_limits_as_saving():
    with pytest.raises(ApplicationError):
        letter_check(complaint_time=None, respondent="店" * 201, reason="", body="")


def test_the_time_zone_of_policy_is_the_one_letters_are_read_in():
    PolicySettings.objects.update(time_zone="UTC")

    report = letter_check(**LETTER)

    assert report.time_consistent is False
    assert report.findings[0].params == {"found": "2026年3月5日 14:30", "expected": "2026-03-05 06:30"}
