"""The event log in the admin: readable by staff, never added to, changed or deleted."""

import pytest
from django.urls import reverse

from apps.tickets.events import event_status_changed
from apps.tickets.models import TicketEvent
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticketevent_changelist")


@pytest.fixture
def event(supervisor) -> TicketEvent:
    return event_status_changed(ticket=TicketFactory(), old="received", new="assigned", actor=supervisor)


def test_a_supervisor_reads_the_event_log(supervisor_client, event):
    response = supervisor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [event]
    assert "王主管" in response.text


def test_events_are_found_by_ticket_number_and_filtered_by_kind(supervisor_client, event):
    event_status_changed(ticket=TicketFactory(), old="assigned", new="approved", actor_label="clock")
    found = supervisor_client.get(CHANGELIST, {"q": event.ticket.reference.lower()})
    assert list(found.context["cl"].result_list) == [event]
    filtered = supervisor_client.get(CHANGELIST, {"kind__exact": "status_changed"})
    assert len(filtered.context["cl"].result_list) == 2


def test_an_event_can_be_viewed_but_not_changed(supervisor_client, superuser_client, event):
    url = reverse("admin:tickets_ticketevent_change", args=[event.pk])
    for client in (supervisor_client, superuser_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        assert 'name="_save"' not in response.text
        assert client.post(url, {"to_value": "tampered"}).status_code == 403
    event.refresh_from_db()
    assert event.to_value == "assigned"


def test_an_event_cannot_be_deleted_or_added(superuser_client, event):
    delete_url = reverse("admin:tickets_ticketevent_delete", args=[event.pk])
    assert superuser_client.get(delete_url).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert superuser_client.get(reverse("admin:tickets_ticketevent_add")).status_code == 403
    assert "delete_selected" not in superuser_client.get(CHANGELIST).text
    assert TicketEvent.objects.filter(pk=event.pk).exists()
