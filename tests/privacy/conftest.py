"""Tickets closed at a chosen moment, each carrying every kind of personal data the retention run erases."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.core.files.base import ContentFile

from apps.accounts.models import SmsChallenge, User
from apps.accounts.roles import REQUESTER
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.outbound.models import OutboundMessage
from apps.tickets.models import Letter, TicketStatus, WithdrawalTicket
from tests.admin.conftest import superuser_client  # noqa: F401
from tests.casework.conftest import agent_with, now, person, shanghai  # noqa: F401
from tests.factories import TicketFactory, tier

__all__ = ["agent_with", "person", "shanghai"]

PHONE = "13912345678"
IP = "203.0.113.45"
LETTER_BODY = "我请求撤回投诉，工单编号如下。"
MESSAGE_TEXT = "Here is the receipt you asked for."
NOTE_TEXT = "Internal: the requester sounded unsure on the phone."
FILE_BYTES = b"%PDF-1.4 receipt of order 42\n"


@pytest.fixture(autouse=True)
def _frozen_by_default(now):  # noqa: F811  (the fixture imported above)
    """The domain clock stays where each test sets it."""


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


def requester_with_phone(phone: str = PHONE) -> User:
    return person(REQUESTER, phone=phone, preferred_language="en")


@dataclass
class Loaded:
    ticket: WithdrawalTicket
    attempt: IdentityVerificationAttempt
    evidence: EvidenceFile
    attachment: Attachment
    message: Message
    note: Message
    outbound: OutboundMessage


def _stored(model_row, data: bytes) -> None:
    model_row.file.save("upload", ContentFile(data), save=True)


def ticket_with_data(
    *, requester: User, closed_at: datetime, status: str = TicketStatus.APPROVED, agent: User | None = None
) -> Loaded:
    """A ticket of `requester` closed (or open, by status) at `closed_at`, carrying every kind of data."""
    decided = closed_at if status in (TicketStatus.APPROVED, TicketStatus.REFUSED) else None
    ticket = TicketFactory(requester=requester, status=status, decided_at=decided,
                           **({"assignee": agent} if status == TicketStatus.ASSIGNED else {}))
    attempt = IdentityVerificationAttempt.objects.create(
        ticket=ticket, user=requester, method="sms_code", provider="dev", provider_reference="prov-778",
        outcome="passed", reason="code matched", ip_address=IP, attempted_at=closed_at,
    )
    Letter.objects.create(ticket=ticket, respondent="某某数码专营店", reason="误会", body=LETTER_BODY,
                          coach_findings=[{"code": "calm"}])
    evidence = EvidenceFile(ticket=ticket, tier=tier(), original_name="receipt.pdf",
                            detected_type="application/pdf", size=len(FILE_BYTES),
                            sha256=hashlib.sha256(FILE_BYTES).hexdigest(), uploaded_by=requester,
                            uploaded_at=closed_at)
    _stored(evidence, FILE_BYTES)
    message = Message.objects.create(ticket=ticket, author=requester, author_role=AuthorRole.REQUESTER,
                                     body=MESSAGE_TEXT, created_at=closed_at)
    attachment = Attachment(message=message, ticket=ticket, original_name="photo.png",
                            detected_type="image/png", size=5, sha256=hashlib.sha256(b"photo").hexdigest())
    _stored(attachment, b"photo")
    note = Message.objects.create(ticket=ticket, kind=MessageKind.NOTE, author_role=AuthorRole.AGENT,
                                  author_label="agent", body=NOTE_TEXT, created_at=closed_at)
    outbound = OutboundMessage.objects.create(
        channel="sms", recipient=requester.phone or "", ticket=ticket, requester=requester, event="decided",
        language="en", body="Your ticket is decided.", dedupe_key=f"test:{ticket.pk}",
    )
    # updated_at is auto_now: the closing moment is set the way a raw UPDATE would leave it.
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(updated_at=closed_at)
    ticket.refresh_from_db()
    return Loaded(ticket, attempt, evidence, attachment, message, note, outbound)


def sms_code(*, phone: str, at: datetime) -> SmsChallenge:
    return SmsChallenge.objects.create(phone=phone, code_hash="0" * 64, created_at=at, expires_at=at,
                                       ip_address=IP)
