"""The event log is append-only: through the ORM and in raw SQL alike."""

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from apps.tickets.events import event_record, event_status_changed
from apps.tickets.models import EventKind, TicketEvent
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_event_records_who_when_what_from_and_to():
    ticket = TicketFactory()
    agent = UserFactory()
    event = event_status_changed(ticket=ticket, old="received", new="assigned", actor=agent)
    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.kind, stored.from_value, stored.to_value) == (
        agent, EventKind.STATUS_CHANGED, "received", "assigned"
    )
    assert stored.occurred_at is not None


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = event_record(ticket=TicketFactory(), kind=EventKind.NOTE, actor_label="clock")
    event.to_value = "tampered"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).update(to_value="tampered")
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()


def test_postgresql_refuses_updates_and_deletes_of_events():
    event = event_record(ticket=TicketFactory(), kind=EventKind.NOTE, to_value="kept")
    for sql in (
        "UPDATE tickets_ticketevent SET to_value = 'tampered' WHERE id = %s",
        "DELETE FROM tickets_ticketevent WHERE id = %s",
    ):
        with (
            pytest.raises((IntegrityError, InternalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert TicketEvent.objects.get(pk=event.pk).to_value == "kept"


def test_a_retried_change_with_the_same_key_lands_once():
    ticket = TicketFactory()
    event_record(ticket=ticket, kind=EventKind.RECEIVED, dedupe_key=f"received:{ticket.pk}")
    with pytest.raises(IntegrityError), transaction.atomic():
        event_record(ticket=ticket, kind=EventKind.RECEIVED, dedupe_key=f"received:{ticket.pk}")
    assert ticket.events.filter(kind=EventKind.RECEIVED).count() == 1
