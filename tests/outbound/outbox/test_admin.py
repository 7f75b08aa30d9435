"""The outbox in the admin: read-only, recipients masked, scoped to the tickets a user may see."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.core.admin import ReadOnlyAdminMixin, TicketScopedAdminMixin
from apps.outbound.admin import mask_recipient
from apps.outbound.models import Channel, OutboundMessage
from tests.factories import TicketFactory
from tests.outbound.outbox.support import ADDRESS, PHONE, sms_message

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbound_outboundmessage_changelist")


def test_it_is_registered_read_only_and_scoped_by_ticket():
    model_admin = admin.site._registry[OutboundMessage]
    assert isinstance(model_admin, TicketScopedAdminMixin) and isinstance(model_admin, ReadOnlyAdminMixin)
    assert model_admin.ticket_path == "ticket"


def test_the_list_masks_recipients(admin_client):
    ticket = TicketFactory()
    sms_message(ticket=ticket, provider_message_id="fake-77")
    sms_message(channel=Channel.EMAIL, recipient=ADDRESS, sms_template="", ticket=ticket)

    page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").text

    assert "138****8000" in page and "z***@example.com" in page and "fake-77" in page
    assert PHONE not in page and ADDRESS not in page


def test_the_detail_page_masks_the_recipient(admin_client):
    message = sms_message()

    page = admin_client.get(reverse("admin:outbound_outboundmessage_change", args=[message.pk])).text

    assert "138****8000" in page and PHONE not in page


def test_the_list_speaks_chinese(admin_client):
    sms_message()

    page = admin_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="zh-hans").text

    assert "外发消息" in page and "排队中" in page


def test_masking():
    assert mask_recipient(Channel.SMS, "+8613800138000") == "+86 138****8000"
    assert mask_recipient(Channel.EMAIL, "a@b.example") == "a***@b.example"
    assert mask_recipient(Channel.EMAIL, "not an address") == "***"
