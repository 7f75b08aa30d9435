"""A case with a row in every table that hangs off a ticket, and what the admin registry holds."""

import hashlib
from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.utils import timezone

from apps.casework.models import Notification, NotificationKind
from apps.conversation.models import Attachment, AuthorRole, Message, MessageKind
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.integrations.models import Integration, WebhookAttempt, WebhookDelivery
from apps.integrations.services import webhook_subscription_create
from apps.notifications.models import RequesterNotice
from apps.outbound.models import Channel, OutboundMessage
from apps.policy.models import IdentityMethod, Platform, Stage
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, Letter, StageEntry, WithdrawalTicket
from tests.factories import ComplaintFactory, TicketFactory, UserFactory, tier

REGISTERED: list[type[Model]] = list(admin.site._registry)


def model_id(model: type[Model]) -> str:
    return model._meta.label


def case_on(platform_code: str, *, stage: Stage, number: str) -> dict[type[Model], Model]:
    """Create a ticket on this platform with a row in every table about it; return them by model."""
    platform = Platform.objects.get(code=platform_code)
    complaint = ComplaintFactory(platform=platform, number=number)
    ticket = TicketFactory(complaint=complaint, stage=stage)
    event = event_record(ticket=ticket, kind=EventKind.RECEIVED, actor_label="clock", to_value="received")
    integration = Integration.objects.create(name=f"{platform_code} CRM", contact_email="dev@crm.example")
    subscription, _secret = webhook_subscription_create(
        integration=integration, url="https://crm.example/hooks", event_kinds=["received"], active=True,
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event=event,
        payload={"type": "received", "ticket": {"reference": ticket.reference}},
    )
    return {
        WithdrawalTicket: ticket,
        type(complaint): complaint,
        type(event): event,
        Letter: Letter.objects.create(ticket=ticket, respondent="某某数码专营店", reason="双方已和解"),
        StageEntry: StageEntry.objects.create(ticket=ticket, stage=stage, entered_at=ticket.received_at),
        EvidenceFile: EvidenceFile.objects.create(
            ticket=ticket, tier=tier("core"), file="evidence/0f1e2d", original_name="和解协议.pdf",
            detected_type="application/pdf", size=48_213,
            sha256=hashlib.sha256(number.encode()).hexdigest(),
        ),
        IdentityVerificationAttempt: IdentityVerificationAttempt.objects.create(
            ticket=ticket, method=IdentityMethod.FACE_RECOGNITION, provider="dev",
            outcome=IdentityVerificationAttempt.Outcome.PASSED, ip_address="203.0.113.45",
        ),
        Notification: Notification.objects.create(
            recipient=UserFactory(is_staff=True), kind=NotificationKind.ASSIGNED, ticket=ticket,
            dedupe_key=f"assigned:{ticket.pk}",
        ),
        WebhookDelivery: delivery,
        WebhookAttempt: WebhookAttempt.objects.create(
            delivery=delivery, number=1, started_at=timezone.now(), duration_ms=120, status_code=500,
            response_body=ticket.reference,
        ),
        OutboundMessage: OutboundMessage.objects.create(
            channel=Channel.SMS, recipient="13800138000", ticket=ticket, event="ticket_received",
            language="zh-hans", body="您的撤诉申请已受理。", sms_template="2001",
            dedupe_key=f"ticket_received:{ticket.pk}:sms",
        ),
        # Written by the notifications receiver for the RECEIVED event above.
        RequesterNotice: RequesterNotice.objects.get(ticket=ticket, event="received"),
        Message: (message := Message.objects.create(
            ticket=ticket, kind=MessageKind.NOTE, author_role=AuthorRole.AGENT, body="回电确认中",
        )),
        Attachment: Attachment.objects.create(
            message=message, ticket=ticket, file="messages/0f1e2d", original_name="通话记录.pdf",
            detected_type="application/pdf", size=1_024, sha256=hashlib.sha256(number.encode()).hexdigest(),
        ),
    }


def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the admin shows, and the admin's own change log."""
    return {
        model_id(model): list(model._default_manager.order_by("pk").values())
        for model in [*REGISTERED, LogEntry]
    }
