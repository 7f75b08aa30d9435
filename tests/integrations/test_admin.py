"""The admin: keys shown once then only by prefix, revoked in bulk; secrets shown once; replays."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from apps.core import clock
from apps.integrations.models import ApiKey, DeliveryStatus, WebhookDelivery, WebhookSubscription
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_authenticate, webhook_subscription_create
from apps.integrations.webhooks import webhook_deliveries_enqueue
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.factories import TicketFactory, UserFactory
from tests.integrations.conftest import issue

pytestmark = pytest.mark.django_db
KEY_IN_PAGE = re.compile(r"chk_live_[2-9A-HJ-NP-Z]{8}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin(db) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_new_key_is_shown_once_then_only_by_its_prefix(admin, crm):
    response = admin.post(
        "/admin/integrations/apikey/add/",
        {"integration": crm.pk, "label": "CRM production", "scopes": ["tickets:read", "tickets:write"],
         "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    (plain,) = set(KEY_IN_PAGE.findall(page))
    key = ApiKey.objects.get()
    assert api_key_authenticate(plain=plain) == key
    assert key.scopes == ["tickets:read", "tickets:write"]
    assert key.created_by is not None
    assert key.secret_hash not in page

    for url in ("/admin/integrations/apikey/", f"/admin/integrations/apikey/{key.pk}/change/",
                f"/admin/integrations/integration/{crm.pk}/change/"):
        page = admin.get(url).content.decode()
        assert key.prefix in page
        assert plain not in page and key.secret_hash not in page


def test_a_key_cannot_be_made_already_expired_or_without_scopes(admin, crm):
    past = clock.now() - timedelta(days=1)
    response = admin.post(
        "/admin/integrations/apikey/add/",
        {"integration": crm.pk, "scopes": [], "expires_at_0": past.strftime("%Y-%m-%d"),
         "expires_at_1": past.strftime("%H:%M:%S")},
    )
    assert response.status_code == 200
    assert not ApiKey.objects.exists()
    assert response.context["adminform"].form.errors.keys() == {"scopes", "expires_at"}


def test_revoking_from_the_list_stops_the_keys(admin, crm):
    one, _plain_one = issue(crm, Scope.TICKETS_READ)
    two, _plain_two = issue(crm, Scope.TICKETS_READ)
    response = admin.post(
        "/admin/integrations/apikey/",
        {"action": "revoke", "_selected_action": [one.pk, two.pk]},
        follow=True,
    )
    assert "2 keys revoked." in response.content.decode()
    assert ApiKey.objects.filter(revoked_at__isnull=False).count() == 2
    assert "revoked" in admin.get("/admin/integrations/apikey/").content.decode()


def test_keys_are_never_deleted_from_the_admin(admin, crm):
    key, _plain = issue(crm, Scope.TICKETS_READ)
    assert admin.get(f"/admin/integrations/apikey/{key.pk}/delete/").status_code == 403


def test_a_new_subscription_shows_its_signing_secret_once(admin, crm):
    response = admin.post(
        "/admin/integrations/webhooksubscription/add/",
        {"integration": crm.pk, "url": "https://crm.example/hooks", "event_kinds": ["assigned", "decided"],
         "active": "on"},
        follow=True,
    )
    page = response.content.decode()
    (secret,) = set(re.findall(r"whsec_[0-9a-f]{64}", page))
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_kinds == ["assigned", "decided"]
    assert subscription.secret_salt not in page
    change_page = admin.get(f"/admin/integrations/webhooksubscription/{subscription.pk}/change/")
    assert secret not in change_page.content.decode()
    assert subscription.secret_salt not in change_page.content.decode()


def test_a_plain_http_receiver_is_refused_unless_it_is_this_machine(admin, crm):
    response = admin.post(
        "/admin/integrations/webhooksubscription/add/",
        {"integration": crm.pk, "url": "http://crm.example/hooks", "event_kinds": ["assigned"]},
    )
    assert "url" in response.context["adminform"].form.errors
    assert not WebhookSubscription.objects.exists()


def test_replay_from_the_admin_queues_the_delivery_again(
    admin, crm, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.integrations import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", queued.append)
    webhook_subscription_create(integration=crm, url="https://crm.example/h", event_kinds=["assigned"])
    event = event_record(ticket=TicketFactory(), kind=EventKind.ASSIGNED)
    (delivery_id,) = webhook_deliveries_enqueue(event_ids=[event.pk])
    WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, attempts=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/integrations/webhookdelivery/",
            {"action": "replay", "_selected_action": [delivery_id]},
            follow=True,
        )
    assert "1 delivery queued to be sent again." in response.content.decode()
    assert queued == [delivery_id]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.replayed_by) == (
        DeliveryStatus.PENDING, 0, response.wsgi_request.user,
    )
    page = admin.get(f"/admin/integrations/webhookdelivery/{delivery_id}/change/").content.decode()
    assert event.ticket.reference in page
