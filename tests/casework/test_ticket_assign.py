"""ticket_assign and tickets_assign_bulk: supervisors assign, reassign and unassign; agents only claim."""

import pytest
from django.core import mail

from apps.casework.models import Notification, NotificationKind
from apps.casework.services import ticket_assign, ticket_claim, tickets_assign_bulk
from apps.casework.services.assignment import BULK_ASSIGN_LIMIT
from apps.core.errors import ApplicationError
from apps.tickets.models import EventKind, TicketStatus
from tests.casework.conftest import agent_with, received_ticket

pytestmark = pytest.mark.django_db


def test_a_supervisor_assigns_and_the_agent_is_told_in_the_app_and_by_email(
    supervisor, eager_tasks, django_capture_on_commit_callbacks
):
    agent = agent_with(email="li@example.com")
    ticket = received_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        assigned = ticket_assign(
            ticket_id=ticket.pk, agent=agent, actor=supervisor, expected_version=ticket.version
        )
    assert (assigned.status, assigned.assignee) == (TicketStatus.ASSIGNED, agent)
    notice = Notification.objects.get(recipient=agent)
    assert notice.kind == NotificationKind.ASSIGNED
    assert notice.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li@example.com"]
    assert ticket.reference in mail.outbox[0].subject
    assert "王主管 assigned ticket" in mail.outbox[0].body


def test_a_reassignment_records_both_agents(supervisor):
    first, second = agent_with(), agent_with()
    ticket = received_ticket()
    ticket_assign(ticket_id=ticket.pk, agent=first, actor=supervisor)
    moved = ticket_assign(ticket_id=ticket.pk, agent=second, actor=supervisor)
    assert moved.assignee == second
    last = moved.events.filter(kind=EventKind.ASSIGNED).order_by("-id").first()
    assert (last.data["from_id"], last.data["to_id"]) == (first.pk, second.pk)


def test_clearing_the_assignee_puts_the_ticket_back_in_the_queue(supervisor, agent):
    ticket = received_ticket()
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    cleared = ticket_assign(ticket_id=ticket.pk, agent=None, actor=supervisor)
    cleared.refresh_from_db()
    assert (cleared.status, cleared.assignee, cleared.assigned_at) == (TicketStatus.RECEIVED, None, None)


def test_an_agent_cannot_assign_to_someone_else_or_unassign(agent):
    ticket = received_ticket()
    other = agent_with()
    with pytest.raises(ApplicationError) as refused:
        ticket_assign(ticket_id=ticket.pk, agent=other, actor=agent)
    assert refused.value.extra["code"] == "forbidden"
    with pytest.raises(ApplicationError):
        ticket_assign(ticket_id=ticket.pk, agent=None, actor=agent)


def test_an_agent_assigning_themselves_claims_it(agent):
    ticket = received_ticket()
    assert ticket_assign(ticket_id=ticket.pk, agent=agent, actor=agent).assignee == agent


def test_the_assignee_must_be_an_active_agent(supervisor, requester):
    ticket = received_ticket()
    with pytest.raises(ApplicationError) as refused:
        ticket_assign(ticket_id=ticket.pk, agent=requester, actor=supervisor)
    assert refused.value.extra["code"] == "not_an_agent"
    retired = agent_with()
    retired.is_active = False
    retired.save()
    with pytest.raises(ApplicationError):
        ticket_assign(ticket_id=ticket.pk, agent=retired, actor=supervisor)


def test_a_closed_ticket_cannot_be_assigned(supervisor, agent):
    ticket = received_ticket()
    ticket.status = TicketStatus.APPROVED
    ticket.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as refused:
        ticket_assign(ticket_id=ticket.pk, agent=agent, actor=supervisor)
    assert (
        refused.value.message
        == "Only a ticket in the queue can be assigned; this one is approved: complaint withdrawn."
    )


def test_bulk_assignment_moves_the_open_tickets_and_says_why_the_others_stayed(supervisor):
    first, second = agent_with(), agent_with()
    open_ones = [received_ticket() for _ in range(3)]
    ticket_assign(ticket_id=open_ones[0].pk, agent=first, actor=supervisor)
    closed = received_ticket()
    closed.status = TicketStatus.REFUSED
    closed.save(update_fields=["status"])
    already = received_ticket()
    ticket_assign(ticket_id=already.pk, agent=second, actor=supervisor)

    result = tickets_assign_bulk(
        ticket_ids=[*(t.pk for t in open_ones), closed.pk, already.pk, 999_999],
        agent=second,
        actor=supervisor,
    )

    assert sorted(result.assigned) == sorted(t.pk for t in open_ones)
    assert set(result.skipped) == {closed.pk, already.pk, 999_999}
    assert result.skipped[closed.pk] == "It is refused, no longer in the queue."
    for ticket in open_ones:
        ticket.refresh_from_db()
        assert (ticket.assignee, ticket.status) == (second, TicketStatus.ASSIGNED)
        assert ticket.version == (4 if ticket.pk == open_ones[0].pk else 3)
    assert Notification.objects.filter(recipient=second, kind=NotificationKind.ASSIGNED).count() == 4


def test_bulk_assignment_is_for_supervisors_and_bounded(agent, supervisor):
    with pytest.raises(ApplicationError) as refused:
        tickets_assign_bulk(ticket_ids=[1], agent=agent, actor=agent)
    assert refused.value.extra["code"] == "forbidden"
    with pytest.raises(ApplicationError) as too_many:
        tickets_assign_bulk(ticket_ids=range(BULK_ASSIGN_LIMIT + 1), agent=agent, actor=supervisor)
    assert too_many.value.extra["code"] == "too_many"


def test_bulk_unassignment_returns_tickets_to_the_queue(supervisor, agent):
    tickets = [received_ticket() for _ in range(2)]
    tickets_assign_bulk(ticket_ids=[t.pk for t in tickets], agent=agent, actor=supervisor)
    result = tickets_assign_bulk(ticket_ids=[t.pk for t in tickets], agent=None, actor=supervisor)
    assert sorted(result.assigned) == sorted(t.pk for t in tickets)
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee) == (TicketStatus.RECEIVED, None)
