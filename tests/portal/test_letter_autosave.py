"""The letter step through HTTP: the draft autosaves for its own requester only, newest save wins,
and the coach speaks plainly on the page."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from apps.tickets.models import Letter, TicketStatus
from tests.factories import DraftFactory, RequesterFactory, TicketFactory

pytestmark = pytest.mark.django_db

LETTER = {
    "complaint_time": "2026-11-24 07:58", "respondent": "某某数码专营店", "reason": "已与对方协商一致",
    "body": "本人于2026年11月24日 07:58对某某数码专营店提交了投诉。",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The newest save's number lives in the cache: each test starts without one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def draft(requester, frozen):
    return DraftFactory(requester=requester, identity_verified_at=frozen.at)


def autosave(client, ticket, sequence=1, headers=None, **fields):
    url = reverse("portal:letter_autosave", args=[ticket.reference])
    return client.post(url, {**LETTER, **fields, "sequence": sequence}, headers=headers)


def test_the_requester_autosaves_a_half_written_draft_and_sees_when(signed_in, draft, frozen):
    answer = autosave(signed_in, draft, complaint_time="", respondent="", reason="", body="本人于")

    assert answer.status_code == 200
    assert answer.json() == {"saved": True, "sequence": 1, "status": "已自动保存 10:00"}
    letter = Letter.objects.get(ticket=draft)
    assert letter.body == "本人于" and letter.complaint_time is None  # a draft may be incomplete


def test_the_status_speaks_english_to_an_english_reader(signed_in, draft):
    answer = autosave(signed_in, draft, headers={"accept-language": "en"})
    assert answer.json()["status"] == "Saved 10:00"


def test_a_reload_shows_the_autosaved_draft(signed_in, draft):
    autosave(signed_in, draft, body="这是自动保存的草稿。")

    page = signed_in.get(reverse("portal:step_letter", args=[draft.reference]))

    assert page.status_code == 200
    assert "这是自动保存的草稿。" in page.content.decode()
    assert "已自动保存" in page.content.decode()


def test_an_older_save_arriving_late_does_not_overwrite_a_newer_one(signed_in, draft):
    autosave(signed_in, draft, sequence=1_700_000_000_200, body="新的内容")

    late = autosave(signed_in, draft, sequence=1_700_000_000_100, body="旧的内容")

    assert late.status_code == 200
    assert late.json()["saved"] is False
    assert late.json()["sequence"] == 1_700_000_000_200
    assert Letter.objects.get(ticket=draft).body == "新的内容"


def test_the_save_button_wins_over_autosaves_still_in_flight(signed_in, draft):
    url = reverse("portal:step_letter", args=[draft.reference])
    signed_in.post(url, {**LETTER, "body": "按保存按钮的内容", "sequence": 500, "save": "1"})

    late = autosave(signed_in, draft, sequence=400, body="迟到的自动保存")

    assert late.json()["saved"] is False
    assert Letter.objects.get(ticket=draft).body == "按保存按钮的内容"


def test_without_the_script_the_save_button_still_saves(signed_in, draft):
    url = reverse("portal:step_letter", args=[draft.reference])
    response = signed_in.post(url, {**LETTER, "body": "没有脚本也能保存。", "save": "1"})

    assert response.status_code == 302
    assert Letter.objects.get(ticket=draft).body == "没有脚本也能保存。"


def test_another_requesters_draft_is_not_found(client, draft):
    client.force_login(RequesterFactory())

    assert autosave(client, draft).status_code == 404
    assert not Letter.objects.filter(ticket=draft).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_saved(client, draft):
    response = autosave(client, draft)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not Letter.objects.filter(ticket=draft).exists()


def test_a_save_without_the_pages_csrf_token_is_refused(requester, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)

    assert autosave(client, draft).status_code == 403
    assert not Letter.objects.filter(ticket=draft).exists()


def test_a_letter_too_long_gets_a_clear_message_naming_the_field(signed_in, draft):
    answer = autosave(signed_in, draft, body="字" * 5001)

    assert answer.status_code == 400
    assert answer.json()["field"] == "body"
    assert answer.json()["message"] == "您的申请信：最多 5000 个字，现在有 5001 个字。"
    assert not Letter.objects.filter(ticket=draft).exists()


@pytest.mark.parametrize("sequence", ["", "abc", "0"])
def test_a_save_without_a_valid_number_is_refused_with_a_message(signed_in, draft, sequence):
    answer = autosave(signed_in, draft, sequence=sequence)

    assert answer.status_code == 400
    assert answer.json() == {"message": "这次保存缺少有效的序号，请刷新页面后重试。", "field": "sequence"}


def test_a_complaint_time_in_the_future_is_explained(signed_in, draft):
    answer = autosave(signed_in, draft, complaint_time="2026-11-25 08:00")

    assert answer.status_code == 400
    assert answer.json()["field"] == "complaint_time"


def test_a_sent_request_no_longer_autosaves(signed_in, requester):
    sent = TicketFactory(requester=requester, status=TicketStatus.RECEIVED)

    answer = autosave(signed_in, sent)

    assert answer.status_code == 409
    assert answer.json()["message"] == "这份撤回申请已经提交，申请信不再作为草稿保存。"


# ------------------------------------------------------------------------- the coach on the page
def test_the_page_shows_the_ticket_number_and_explains_it_in_plain_words(signed_in, draft):
    autosave(signed_in, draft, body="我不小心投诉了对方，不小心的。")

    page = signed_in.get(reverse("portal:step_letter", args=[draft.reference])).content.decode()

    assert f"工单编号：{draft.reference}" in page
    assert "这份撤回申请的编号" in page
    assert page.count("听起来像在推卸责任") == 1
    assert "专业术语" not in page


def test_the_live_check_answers_in_plain_words_with_the_number_to_copy(signed_in, draft):
    url = reverse("portal:letter_check", args=[draft.reference])

    answer = signed_in.post(url, {**LETTER, "body": "误操作，误操作"}).json()

    messages = [item["message"] for item in answer["findings"]]
    assert len(messages) == len(set(messages))
    assert [item["code"] for item in answer["findings"]].count("blame_shifting") == 1
    ticket_number = next(item for item in answer["findings"] if item["copy"].startswith("工单编号"))
    assert ticket_number["copy"] == f"工单编号：{draft.reference}"
    assert answer["verdict"] == "这封信可以提交；按下面的建议修改会更好。"


def test_a_good_letter_is_praised_on_the_page(signed_in, draft):
    body = (
        f"问题陈述：本人于2026年11月24日 07:58对某某数码专营店提交了投诉。"
        f"现申请撤回这次投诉（工单编号：{draft.reference}）。相关证据已按举证责任一并提交。"
        "本人将向对方书面致歉，并补偿 500 元。如平台需要进一步核实，本人愿意配合复议程序。"
    )
    autosave(signed_in, draft, body=body)

    page = signed_in.get(reverse("portal:step_letter", args=[draft.reference])).content.decode()

    assert Letter.objects.get(ticket=draft).coach_findings == []
    assert "这封信已经写得很好，可以提交。" in page
