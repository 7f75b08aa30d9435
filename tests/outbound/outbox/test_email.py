"""E-mail from the outbox through a real SMTP server on loopback (aiosmtpd), and without one."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.outbound.models import Channel, MessageStatus, OutboundMessage
from apps.outbound.senders import message_id_header
from apps.outbound.services import DeliveryOutcome, outbound_catch_up, outbound_deliver, outbound_enqueue
from tests.outbound.outbox.support import ADDRESS, SmtpServer

pytestmark = pytest.mark.django_db

SUBJECT = "您的撤诉申请已受理 CH-2026-0001"
TEXT = "张先生，您好：\n您的撤诉申请已受理，编号 CH-2026-0001。\n——车回"
HTML = "<p>张先生，您好：</p><p>您的撤诉申请已受理，编号 <b>CH-2026-0001</b>。</p>"
KEY = "ticket_received:42:email"


def lines(content: str) -> str:
    return content.replace("\r\n", "\n").strip()


def enqueue_email(capture, key: str = KEY) -> OutboundMessage:
    with capture(execute=True):
        return outbound_enqueue(
            channel=Channel.EMAIL, recipient=ADDRESS, event="ticket_received", dedupe_key=key,
            language="zh-hans", subject=SUBJECT, body=TEXT, html_body=HTML,
        )


def test_an_email_arrives_with_both_parts_in_utf8(worker, smtp_server, django_capture_on_commit_callbacks):
    message = enqueue_email(django_capture_on_commit_callbacks)

    assert worker.outcomes == ["sent"]
    [(recipients, received)] = smtp_server.mailbox.received
    assert recipients == [ADDRESS]
    assert received["To"] == ADDRESS
    assert received["From"] == "Chehui <noreply@chehui.example>"
    assert received["Subject"] == SUBJECT
    assert received["Message-ID"] == message_id_header(KEY)
    assert received["Message-ID"].endswith("@chehui.example>")
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert lines(text.get_content()) == TEXT  # SMTP carries lines ending in CRLF
    assert lines(html.get_content()) == HTML

    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider) == (MessageStatus.SENT, 1, "smtp")
    assert message.provider_message_id == message_id_header(KEY)


def test_the_message_id_is_the_same_for_the_same_key_and_differs_between_keys():
    assert message_id_header(KEY) == message_id_header(KEY)
    assert message_id_header(KEY) != message_id_header(KEY + ":again")


def test_a_refusal_with_a_permanent_code_fails_the_message(
    worker, smtp_server, django_capture_on_commit_callbacks
):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"

    smtp_server.mailbox.handle_RCPT = refuse
    smtp_server.stop()
    smtp_server.start()  # the handler's hooks are read when the server starts a session
    message = enqueue_email(django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "SMTP 550: recipient refused"
    assert ADDRESS not in message.last_error


def test_a_busy_server_4xx_queues_it_again(worker, smtp_server, django_capture_on_commit_callbacks):
    async def busy(server, session, envelope, address, rcpt_options):
        return "451 4.3.0 try again later"

    smtp_server.mailbox.handle_RCPT = busy
    smtp_server.stop()
    smtp_server.start()
    message = enqueue_email(django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "SMTP 451: recipient refused"


def test_with_the_server_down_it_waits_then_is_sent_exactly_once(
    worker, smtp_port, django_capture_on_commit_callbacks
):
    message = enqueue_email(django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert worker.outcomes == ["retry"]
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "SMTP connection: ConnectionRefusedError"
    retry_at = message.next_attempt_at
    assert timedelta(seconds=25) <= retry_at - timezone.now() <= timedelta(seconds=31)

    server = SmtpServer(smtp_port)
    server.start()
    try:
        assert outbound_catch_up(now=timezone.now()) == []  # back, but the retry is not due yet
        with time_machine.travel(retry_at + timedelta(seconds=1), tick=True):
            assert outbound_catch_up(now=timezone.now()) == [message.pk]
            assert outbound_catch_up(now=timezone.now()) == []
            assert outbound_deliver(message_id=message.pk) == DeliveryOutcome.SKIPPED
    finally:
        server.stop()

    assert worker.outcomes == ["retry", "sent"]
    assert len(server.mailbox.received) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert message.last_error == ""
