"""The portal through HTTP: each step's page, its errors next to the field, and who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.complaints.models import ComplaintStatus
from apps.policy.models import ComplaintType, Platform, SpecialCase
from apps.tickets.models import Letter, TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, RequesterFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def _step1(client, platform="wechat", kind="infringement", special=""):
    return client.post(reverse("portal:withdraw_start"), {
        "platform": Platform.objects.get(code=platform).pk,
        "complaint_type": ComplaintType.objects.get(code=kind).pk,
        "special_case": SpecialCase.objects.get(code=special).pk if special else "",
    })


def _number(client, ticket, number):
    return client.post(reverse("portal:step_complaint", args=[ticket.reference]), {"number": number})


def test_the_home_page_explains_both_lanes_in_chinese(client):
    page = client.get("/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "撤回" in text and 'lang="zh-hans"' in text


def test_the_home_page_in_english(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in page.content.decode()
    assert "Withdraw a complaint you filed" in page.content.decode()


def test_the_wizard_asks_anonymous_people_to_sign_in_by_phone(client):
    page = client.get(reverse("portal:withdraw_start"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:sign_in"))


def test_staff_without_the_requester_role_are_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("portal:withdraw_start")).status_code == 403


def test_step_one_shows_each_platforms_entry_path(signed_in):
    page = signed_in.get(reverse("portal:withdraw_start"))
    assert "我 › 设置 › 帮助与反馈 › 投诉相关问题" in page.content.decode()


def test_step_one_saves_a_draft_and_moves_to_step_two(signed_in, requester):
    response = _step1(signed_in)
    ticket = WithdrawalTicket.objects.get(requester=requester)
    assert response["Location"] == reverse("portal:step_complaint", args=[ticket.reference])
    assert ticket.status == TicketStatus.DRAFT


def test_an_order_number_is_named_as_such_next_to_the_field(signed_in, requester, frozen):
    _step1(signed_in)
    ticket = WithdrawalTicket.objects.get(requester=requester)
    page = _number(signed_in, ticket, "2026112412345678901")
    text = page.content.decode()
    assert page.status_code == 200
    assert "订单号" in text and 'class="errorlist"' in text


def test_a_fraud_report_ends_at_step_two_with_the_other_routes(signed_in, requester, frozen):
    fraud = ComplaintFactory(complaint_type=ComplaintType.objects.get(code="fraud"),
                             filed_at=frozen.at - timedelta(hours=1))
    _step1(signed_in, kind="fraud")
    ticket = WithdrawalTicket.objects.get(requester=requester)

    response = _number(signed_in, ticket, fraud.number)
    page = signed_in.get(response["Location"])

    text = page.content.decode()
    assert "诉讼" in text or "仲裁" in text  # the alternative routes are listed
    assert fraud.complaint_type.refusal_reason in text


def test_a_fresh_low_risk_complaint_offers_the_cooling_off_lane(signed_in, requester, frozen):
    violation = ComplaintType.objects.get(code="account_violation")
    complaint = ComplaintFactory(
        complainant=requester, complaint_type=violation, filed_at=frozen.at - timedelta(minutes=2)
    )
    _step1(signed_in, kind="account_violation")
    ticket = WithdrawalTicket.objects.get(requester=requester)

    page = _number(signed_in, ticket, complaint.number)
    assert reverse("portal:cool_off") in page.content.decode()

    done = signed_in.post(reverse("portal:cool_off"), {
        "platform": complaint.platform.pk, "number": complaint.number, "draft": ticket.pk,
    })
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CANCELLED
    assert complaint.number in done.content.decode()


def _to_letter_step(client, requester, frozen, **complaint):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=2), **complaint)
    _step1(client)
    ticket = WithdrawalTicket.objects.get(requester=requester)
    _number(client, ticket, complaint.number)
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(identity_verified_at=frozen.at)
    return ticket


def test_the_letter_saves_and_the_coach_scores_it(signed_in, requester, frozen):
    ticket = _to_letter_step(signed_in, requester, frozen)
    signed_in.post(reverse("portal:step_letter", args=[ticket.reference]), {
        "complaint_time": "2026-11-24 07:58", "respondent": "某某数码专营店", "reason": "已与对方协商一致",
        "body": "我不小心投诉了对方。", "save": "1",
    })
    letter = Letter.objects.get(ticket=ticket)
    assert letter.respondent == "某某数码专营店"
    page = signed_in.get(reverse("portal:step_letter", args=[ticket.reference]))
    assert "不小心" in page.content.decode()  # the blame-shifting phrase is pointed out


def test_the_live_coach_answers_as_json_without_saving(signed_in, requester, frozen):
    ticket = _to_letter_step(signed_in, requester, frozen)
    url = reverse("portal:letter_check", args=[ticket.reference])
    answer = signed_in.post(url, {"body": "误操作"}).json()
    assert 0 <= answer["score"] <= 100
    assert answer["findings"]
    assert not Letter.objects.filter(ticket=ticket).exists()


def test_continuing_without_the_required_facts_shows_what_is_missing(signed_in, requester, frozen):
    ticket = _to_letter_step(signed_in, requester, frozen)
    url = reverse("portal:step_letter", args=[ticket.reference])
    page = signed_in.post(url, {"body": "", "continue": "1"})
    assert page.status_code == 200
    assert page.content.decode().count('class="errorlist"') >= 3


def test_submitting_at_22_00_says_it_is_received_at_09_00(signed_in, requester, frozen):
    frozen.set("2026-11-24 21:30")
    ticket = _to_letter_step(signed_in, requester, frozen)
    signed_in.post(reverse("portal:step_letter", args=[ticket.reference]), {
        "complaint_time": "2026-11-24 19:30", "respondent": "某店", "reason": "已协商", "body": "",
        "continue": "1",
    })
    frozen.set("2026-11-24 22:00")
    review = signed_in.get(reverse("portal:step_submit", args=[ticket.reference]))
    assert "2026-11-25 09:00" in review.content.decode()

    done = signed_in.post(reverse("portal:step_submit", args=[ticket.reference]), follow=True)

    text = done.content.decode()
    assert ticket.reference in text
    assert "2026-11-25 09:00" in text
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.SUBMITTED


def test_my_tickets_lists_only_mine(signed_in, requester, frozen):
    mine = TicketFactory(requester=requester)
    theirs = TicketFactory(requester=RequesterFactory())
    text = signed_in.get(reverse("portal:my_tickets")).content.decode()
    assert mine.reference in text and theirs.reference not in text


def test_another_requesters_ticket_is_not_found(signed_in):
    theirs = TicketFactory(requester=RequesterFactory())
    assert signed_in.get(reverse("portal:ticket_detail", args=[theirs.reference])).status_code == 404
    assert signed_in.get(reverse("portal:step_letter", args=[theirs.reference])).status_code == 404


def test_my_tickets_runs_a_fixed_number_of_queries(signed_in, requester, django_assert_max_num_queries):
    TicketFactory.create_batch(3, requester=requester)
    with django_assert_max_num_queries(12) as few:
        signed_in.get(reverse("portal:my_tickets"))
    TicketFactory.create_batch(20, requester=requester)
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get(reverse("portal:my_tickets"))


def test_wechat_identity_face_then_sms_code_moves_on_to_the_letter(signed_in, requester, frozen, caplog):
    complaint = ComplaintFactory(filed_at=frozen.at - timedelta(hours=2))
    _step1(signed_in)
    ticket = WithdrawalTicket.objects.get(requester=requester)
    _number(signed_in, ticket, complaint.number)
    url = reverse("portal:step_identity", args=[ticket.reference])

    refused = signed_in.post(url, {"method": "face_recognition", "face": "no-match"})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.content.decode()

    signed_in.post(url, {"method": "face_recognition", "face": "pass"})
    signed_in.post(url, {"method": "sms_code", "action": "send_code"})
    code = next(r.sms_code for r in caplog.records if hasattr(r, "sms_code"))
    done = signed_in.post(url, {"method": "sms_code", "code": code})

    assert done["Location"] == reverse("portal:step_letter", args=[ticket.reference])
    assert WithdrawalTicket.objects.get(pk=ticket.pk).identity_verified_at is not None


def test_a_requester_answers_a_request_for_evidence(signed_in, requester, now):
    from apps.casework.services import ticket_claim, ticket_evidence_request
    from tests.casework.conftest import agent_with, received_ticket

    agent = agent_with()
    ticket = received_ticket(requester=requester)
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请补充和解协议")

    page = signed_in.get(reverse("portal:ticket_detail", args=[ticket.reference]))
    assert "请补充和解协议" in page.content.decode()
    # The answer is a message with the file attached; a bare "I have added it" no longer resumes.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.evidence import files

    agreement = SimpleUploadedFile("协议.pdf", files.pdf_bytes("和解协议"), content_type="application/pdf")
    signed_in.post(
        reverse("portal:message_send", args=[ticket.reference]),
        {"body": "和解协议已签署", "answers": "1", "attachments": [agreement]},
    )

    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED
