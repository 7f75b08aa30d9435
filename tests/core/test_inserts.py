"""A row and the rows that name it in one statement (apps.core.inserts): all stored or none."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.inserts import insert_with_children
from apps.tickets.events import event_new
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def _draft(requester, platform) -> WithdrawalTicket:
    return WithdrawalTicket(requester=requester, platform=platform, status=TicketStatus.DRAFT)


def _events(ticket, requester, *dedupe_keys):
    return [
        event_new(ticket=ticket, kind=EventKind.CREATED, actor=requester, data={"n": 1, "名": "第一"}),
        *(
            event_new(ticket=ticket, kind=EventKind.NOTE, to_value=f"note {key}", dedupe_key=key)
            for key in dedupe_keys
        ),
    ]


def test_the_rows_are_stored_as_the_orm_would_store_them_in_one_statement():
    existing = TicketFactory()
    requester = UserFactory()
    ticket = _draft(requester, existing.platform)
    events = _events(ticket, requester, "a", "b")
    with CaptureQueriesContext(connection) as queries:
        insert_with_children(ticket, events, link="ticket", using="default")
    assert len(queries) == 1
    assert ticket.pk and not ticket._state.adding
    stored = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert (stored.reference, stored.requester_id, stored.status) == (ticket.reference, requester.pk, "draft")
    rows = list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))
    assert [event.pk for event in events] == [row.pk for row in rows]  # each object got its own id
    assert [(row.kind, row.to_value, row.dedupe_key) for row in rows] == [
        ("created", "", None), ("note", "note a", "a"), ("note", "note b", "b"),
    ]
    assert rows[0].data == {"n": 1, "名": "第一"} and rows[0].actor_id == requester.pk
    assert all(event.ticket_id == ticket.pk and not event._state.adding for event in events)


def test_a_child_that_cannot_be_stored_leaves_no_parent_behind():
    existing = TicketFactory()
    requester = UserFactory()
    TicketEvent.objects.create(ticket=existing, kind=EventKind.NOTE, dedupe_key="taken")
    before = WithdrawalTicket.objects.count()
    ticket = _draft(requester, existing.platform)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(ticket, _events(ticket, requester, "taken"), link="ticket", using="default")
    assert WithdrawalTicket.objects.count() == before


def test_a_link_that_does_not_point_at_the_parent_is_refused():
    requester = UserFactory()
    ticket = _draft(requester, TicketFactory().platform)
    with pytest.raises(TypeError, match="actor"):
        insert_with_children(ticket, _events(ticket, requester), link="actor", using="default")


def test_a_message_and_the_event_that_names_it_are_one_statement():
    from apps.conversation.models import AuthorRole, Message, MessageKind
    from apps.core.inserts import insert_with_mention

    ticket = TicketFactory()
    message = Message(ticket=ticket, kind=MessageKind.MESSAGE, author_role=AuthorRole.AGENT, body="您好")
    event = event_new(ticket=ticket, kind=EventKind.MESSAGE_POSTED, to_value="agent", data={"attachments": 2})
    with CaptureQueriesContext(connection) as queries:
        insert_with_mention(message, event, field="data", key="message_id", using="default")
    assert len(queries) == 1
    assert message.pk and event.pk and not message._state.adding and not event._state.adding
    assert Message.objects.get(pk=message.pk).body == "您好"
    stored = TicketEvent.objects.get(pk=event.pk)
    assert stored.data == event.data == {"attachments": 2, "message_id": message.pk}
    assert stored.ticket_id == ticket.pk


def test_a_mention_needs_a_json_field_and_a_plain_key():
    from apps.conversation.models import AuthorRole, Message, MessageKind
    from apps.core.inserts import insert_with_mention

    ticket = TicketFactory()
    message = Message(ticket=ticket, kind=MessageKind.MESSAGE, author_role=AuthorRole.AGENT, body="x")
    event = event_new(ticket=ticket, kind=EventKind.MESSAGE_POSTED)
    with pytest.raises(TypeError):
        insert_with_mention(message, event, field="to_value", key="message_id", using="default")
    with pytest.raises(TypeError):
        insert_with_mention(message, event, field="data", key="id}', 'x", using="default")
    assert not Message.objects.filter(ticket=ticket).exists()
