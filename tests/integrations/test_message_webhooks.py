"""Messages and notifications on webhooks: who wrote and by which channel, never what or to whom.

An internal note records no event, so no subscription ever hears of it.
"""

import json

import pytest
from django.contrib.auth.models import Group

from apps.accounts.roles import AGENT
from apps.casework.services import ticket_assign
from apps.conversation.models import AuthorRole
from apps.conversation.services import message_post, note_post
from apps.integrations import tasks
from apps.integrations.admin import ApiKeyAddForm, WebhookSubscriptionForm
from apps.integrations.models import WebhookDelivery
from apps.integrations.scopes import Scope
from apps.integrations.services import webhook_subscription_create
from apps.outbound.services import outbound_deliver
from apps.policy.models import ComplaintType, Platform
from apps.tickets.models import EventKind
from tests.factories import (
    AgentProfileFactory,
    ComplaintFactory,
    RequesterFactory,
    TicketFactory,
    UserFactory,
)
from tests.integrations.conftest import issue
from tests.outbound.outbox.support import PHONE, fake_sms_install, sms_message

pytestmark = pytest.mark.django_db

MESSAGE_KINDS = [EventKind.MESSAGE_POSTED, EventKind.NOTICE_SENT, EventKind.NOTICE_FAILED]
SECRET_WORDS = "the seller refunded me 100 yuan"
NOTE_WORDS = "internal: requester seems to be a reseller"


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    queued: list[int] = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", lambda delivery_id: queued.append(delivery_id))
    return queued


@pytest.fixture
def hook(crm):
    subscription, _secret = webhook_subscription_create(
        integration=crm, url="https://crm.example/hooks", event_kinds=MESSAGE_KINDS
    )
    return subscription


@pytest.fixture
def ticket(db, frozen):
    """A WeChat ticket in the queue, held by an agent."""
    content = ComplaintType.objects.get(code="content_infringement")
    complaint = ComplaintFactory(complaint_type=content, filed_at=frozen.moment)
    ticket = TicketFactory(
        complaint=complaint,
        requester=RequesterFactory(),
        stage=None,
        submitted_at=frozen.moment,
        received_at=frozen.moment,
    )
    agent = UserFactory(username="agent-li")
    agent.groups.add(Group.objects.get(name=AGENT))
    profile = AgentProfileFactory(user=agent)
    profile.platforms.set([Platform.objects.get(code="wechat")])
    profile.complaint_types.set([content])
    return ticket_assign(ticket_id=ticket.pk, agent=agent, actor=agent)


def test_the_new_kinds_can_be_subscribed_to_and_the_notes_scope_granted(crm):
    kinds = dict(WebhookSubscriptionForm.base_fields["event_kinds"].choices)
    assert set(MESSAGE_KINDS) <= set(kinds)
    subscription, _secret = webhook_subscription_create(
        integration=crm, url="https://crm.example/h", event_kinds=MESSAGE_KINDS
    )
    assert subscription.event_kinds == sorted(MESSAGE_KINDS)
    assert Scope.NOTES in dict(ApiKeyAddForm.base_fields["scopes"].choices)
    key, _plain = issue(crm, Scope.TICKETS_READ, Scope.NOTES)
    assert key.has_scope("notes")


def test_a_message_reaches_the_subscription_with_its_author_s_role_and_no_words(
    hook, ticket, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_post(
            ticket_id=ticket.pk, author=ticket.requester, role=AuthorRole.REQUESTER, body=SECRET_WORDS
        )
    (delivery,) = WebhookDelivery.objects.filter(event__kind=EventKind.MESSAGE_POSTED)
    assert sent == [delivery.pk]
    assert delivery.payload == {
        "id": delivery.event_id,
        "type": "message_posted",
        "occurred_at": "2026-11-24T02:00:00Z",
        "ticket": {"reference": ticket.reference, "platform": "wechat"},
        "from": "",
        "to": "requester",
    }
    assert SECRET_WORDS not in json.dumps(delivery.payload, ensure_ascii=False)
    assert delivery.event.data == {"message_id": message.pk, "attachments": 0}


def test_an_internal_note_reaches_no_subscription(hook, ticket, sent, django_capture_on_commit_callbacks):
    before = WebhookDelivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        note_post(ticket_id=ticket.pk, author=ticket.assignee, body=NOTE_WORDS)
    assert WebhookDelivery.objects.count() == before
    assert sent == []
    assert not ticket.events.filter(kind=EventKind.MESSAGE_POSTED).exists()


def test_a_subscription_for_every_kind_still_hears_nothing_of_a_note(
    crm, ticket, sent, django_capture_on_commit_callbacks
):
    webhook_subscription_create(
        integration=crm, url="https://crm.example/all", event_kinds=list(EventKind.values)
    )
    before = WebhookDelivery.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        note_post(ticket_id=ticket.pk, author=ticket.assignee, body=NOTE_WORDS)
    assert WebhookDelivery.objects.count() == before
    assert NOTE_WORDS not in json.dumps(list(WebhookDelivery.objects.values_list("payload", flat=True)))


@pytest.mark.parametrize(("script", "kind"), [([], "notice_sent"), (["rejected"], "notice_failed")])
def test_a_notification_s_delivery_reaches_the_subscription_with_its_channel(
    hook, ticket, sent, settings, frozen, django_capture_on_commit_callbacks, script, kind
):
    from apps.outbound.sms.base import SmsRejected

    fake = fake_sms_install()
    fake.script = [SmsRejected(f"refused {PHONE}") for _ in script]
    settings.OUTBOUND_SMS_PROVIDER = "tests.outbound.outbox.support.fake_sms_provider"
    message = sms_message(ticket=ticket, requester=ticket.requester, next_attempt_at=frozen.moment)
    with django_capture_on_commit_callbacks(execute=True):
        outbound_deliver(message_id=message.pk)
    (delivery,) = WebhookDelivery.objects.filter(event__kind=kind)
    assert delivery.payload["type"] == kind and delivery.payload["to"] == "sms"
    body = json.dumps(delivery.payload, ensure_ascii=False)
    assert PHONE not in body and PHONE[-4:] not in body and message.body not in body
