"""Ticket events told to the requester through the real services, inside the event's transaction."""

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.casework.services import (
    ticket_assign,
    ticket_claim,
    ticket_evidence_request,
    ticket_refuse,
    ticket_route,
)
from apps.intake import services as intake
from apps.notifications.models import NoticeTemplate, RequesterNotice
from apps.outbound.models import Channel, OutboundMessage
from apps.policy.models import AlternativeRoute, ComplaintType, Platform
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.casework.conftest import agent_with, received_ticket, shanghai
from tests.factories import ComplaintFactory, TicketFactory

pytestmark = pytest.mark.django_db


def notices(requester) -> list[str]:
    return list(
        RequesterNotice.objects.filter(requester=requester).order_by("pk").values_list("event", flat=True)
    )


def message(event: str, channel: str) -> OutboundMessage:
    return OutboundMessage.objects.get(event=event, channel=channel)


@pytest.fixture
def agent(db):
    return agent_with(email="agent@example.com")


class Boom(Exception):
    pass


def test_a_request_sent_in_service_hours_is_told_received(requester, now):
    now("2026-11-24 09:45")
    ticket = received_ticket(requester=requester)
    assert notices(requester) == ["received"]
    assert message("received", Channel.SMS).next_attempt_at == shanghai("2026-11-24 09:45")
    assert ticket.reference in message("received", Channel.SMS).body


def test_a_request_sent_at_night_is_told_when_it_will_be_received(requester, now):
    now("2026-11-24 22:10")
    received_ticket(requester=requester, filed="2026-11-24 21:30", submitted="2026-11-24 22:10")
    notice = RequesterNotice.objects.get(requester=requester)
    assert notice.event == "received_at_night"
    assert "11月25日 09:00" in notice.title
    sms = message("received_at_night", Channel.SMS)
    assert sms.next_attempt_at == shanghai("2026-11-25 09:00")  # held for the opening
    assert sms.sms_values["received_at"] == "11月25日 09:00"
    assert "11月24日 22:10" in message("received_at_night", Channel.EMAIL).body


def test_the_requester_is_told_of_the_first_agent_only(requester, agent, now):
    ticket = received_ticket(requester=requester)
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    supervisor = agent_with(role="supervisor")
    other = agent_with()
    ticket_assign(ticket_id=ticket.pk, agent=other, actor=supervisor)
    assert notices(requester) == ["received", "assigned"]


def test_evidence_asked_for_tells_what_and_by_when(requester, agent, now):
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="请上传和解协议。")
    notice = RequesterNotice.objects.get(event="evidence_requested")
    ticket.refresh_from_db()
    due = "11月24日 15:30"  # filed 09:30: preliminary review ends 6 h later
    assert ticket.stage_ends_at == shanghai("2026-11-24 15:30")
    assert "请上传和解协议。" in notice.body and due in notice.body
    assert message("evidence_requested", Channel.SMS).sms_values["due_by"] == f"{due}前"
    assert "请上传和解协议。" in message("evidence_requested", Channel.EMAIL).body


def test_a_refusal_tells_the_reason_and_every_other_route(requester, agent, now):
    requester.preferred_language = "en"
    requester.save(update_fields=["preferred_language"])
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="The respondent has not agreed.")
    email = message("refused", Channel.EMAIL)
    assert "The respondent has not agreed." in email.body
    for route in AlternativeRoute.objects.all():
        assert route.name_en in email.body
    assert "79% succeed" in email.body
    assert "The respondent has not agreed." in RequesterNotice.objects.get(event="refused").body


def test_a_routed_ticket_names_the_route(requester, agent, now):
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    route = AlternativeRoute.objects.order_by("order").first()
    ticket_route(ticket_id=ticket.pk, agent=agent, route=route)
    assert route.name in message("routed", Channel.SMS).sms_values["route"]
    assert route.name in RequesterNotice.objects.get(event="routed").title


def test_a_message_from_the_agent_is_quoted_by_email_but_never_texted(requester, agent, now):
    from apps.conversation.models import AuthorRole
    from apps.conversation.services import message_post

    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    message_post(
        ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT, body="您好，请问和解协议是哪天签的？"
    )
    message_post(ticket_id=ticket.pk, author=requester, role=AuthorRole.REQUESTER, body="11月20日。")
    assert notices(requester) == ["received", "assigned", "agent_message"]
    assert "和解协议是哪天签的" in message("agent_message", Channel.EMAIL).body
    sms = message("agent_message", Channel.SMS)
    assert "和解协议" not in sms.body + "".join(sms.sms_values.values())


def test_messages_the_requester_has_not_read_yet_are_told_once(requester, agent, now):
    """One text for a run of unread messages, not one per message; reading them re-arms it."""
    from apps.conversation.models import AuthorRole
    from apps.conversation.services import message_post, thread_mark_read

    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)

    def write(body: str) -> None:
        message_post(ticket_id=ticket.pk, author=agent, role=AuthorRole.AGENT, body=body)

    write("第一条：请上传和解协议。")
    write("第二条：PDF 或 Word 都可以。")
    assert notices(requester).count("agent_message") == 1
    assert OutboundMessage.objects.filter(event="agent_message", channel=Channel.SMS).count() == 1
    assert "第一条" in RequesterNotice.objects.get(event="agent_message").body
    thread_mark_read(ticket=ticket, by_requester=True)
    write("第三条：已收到，谢谢。")
    assert notices(requester).count("agent_message") == 2
    assert OutboundMessage.objects.filter(event="agent_message", channel=Channel.SMS).count() == 2
    assert "第三条" in RequesterNotice.objects.filter(event="agent_message").order_by("pk").last().body


def test_step_two_on_a_fresh_low_risk_complaint_tells_until_when_it_can_be_cancelled(requester, now):
    at = now("2026-11-24 23:00")  # at night: the text is urgent and goes at once
    complaint = ComplaintFactory(
        complainant=requester,
        complaint_type=ComplaintType.objects.get(code="account_violation"),
        filed_at=shanghai("2026-11-24 22:58"),
    )
    draft = intake.intake_start(
        requester=requester,
        platform=Platform.objects.get(code="wechat"),
        complaint_type=complaint.complaint_type,
    )
    intake.intake_complaint_confirm(ticket_id=draft.pk, requester=requester, number=complaint.number)

    notice = RequesterNotice.objects.get(event="cooling_off")
    assert "23:03" in notice.title
    sms = message("cooling_off", Channel.SMS)
    assert sms.next_attempt_at == at
    assert sms.sms_values == {"complaint_number": complaint.number, "until": "23:03"}

    intake.complaint_cool_off_cancel(
        platform=complaint.platform, number=complaint.number, requester=requester, draft_id=draft.pk
    )
    assert notices(requester) == ["cooling_off", "cooling_off_cancelled"]
    assert complaint.number in RequesterNotice.objects.get(event="cooling_off_cancelled").body


def test_step_two_after_the_cooling_off_minutes_tells_nothing(requester, now):
    now("2026-11-24 10:00")
    complaint = ComplaintFactory(
        complainant=requester,
        complaint_type=ComplaintType.objects.get(code="account_violation"),
        filed_at=shanghai("2026-11-24 09:55"),
    )
    draft = intake.intake_start(
        requester=requester,
        platform=Platform.objects.get(code="wechat"),
        complaint_type=complaint.complaint_type,
    )
    intake.intake_complaint_confirm(ticket_id=draft.pk, requester=requester, number=complaint.number)
    assert notices(requester) == []


def test_a_decision_rolled_back_leaves_no_notice_and_no_outbox_row(requester, agent, now):
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    before = OutboundMessage.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="No.")
        assert RequesterNotice.objects.filter(event="refused").exists()
        raise Boom
    assert not RequesterNotice.objects.filter(event="refused").exists()
    assert OutboundMessage.objects.count() == before


def test_a_broken_template_never_fails_the_decision(requester, agent, now, caplog):
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    NoticeTemplate.objects.filter(event="refused").update(body="{% if %}")  # past the admin's check
    with caplog.at_level(logging.ERROR, logger="apps.notifications.signals"):
        refused = ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="No.")
    refused.refresh_from_db()
    assert refused.status == "refused"
    assert not RequesterNotice.objects.filter(event="refused").exists()
    assert "could not tell the requester" in caplog.text


def test_an_event_nobody_is_told_of_costs_no_query(requester, now):
    ticket = TicketFactory(requester=requester)
    with CaptureQueriesContext(connection) as queries:
        event_record(ticket=ticket, kind=EventKind.NOTE, actor=requester, to_value="x")
        event_record(ticket=ticket, kind=EventKind.INTAKE_STEP, actor=requester, to_value="1")
        event_record(ticket=ticket, kind=EventKind.STATUS_CHANGED, to_value="assigned")
    assert len(queries) == 3  # the three INSERTs
    assert not RequesterNotice.objects.exists()
