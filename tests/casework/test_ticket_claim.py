"""ticket_claim: an agent takes an unassigned received ticket of their platforms and types."""

import pytest

from apps.casework.services import ticket_claim
from apps.core.errors import ApplicationError
from apps.tickets.models import EventKind, TicketStatus
from tests.casework.conftest import agent_with, person, profile_of, received_ticket, shanghai
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_an_agent_claims_a_received_ticket_of_their_platform_and_type(agent, now):
    ticket = received_ticket()
    claimed = ticket_claim(ticket_id=ticket.pk, agent=agent, expected_version=ticket.version)
    claimed.refresh_from_db()
    assert claimed.status == TicketStatus.ASSIGNED
    assert claimed.assignee == agent
    assert claimed.assigned_at == shanghai("2026-11-24 10:00")
    assert claimed.team == profile_of(agent).team
    assert claimed.version == ticket.version + 1
    event = claimed.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.to_value, event.data["via"]) == (agent, str(agent), "claim")
    assert (event.data["status_from"], event.data["status_to"]) == ("received", "assigned")


def test_a_ticket_someone_holds_cannot_be_claimed(agent):
    ticket = received_ticket()
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    other = agent_with()
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=other)
    assert refused.value.extra["code"] == "taken"
    assert str(agent) in refused.value.message
    with pytest.raises(ApplicationError) as again:
        ticket_claim(ticket_id=ticket.pk, agent=agent)
    assert again.value.extra["code"] == "already_yours"


def test_another_platforms_ticket_is_out_of_scope(db):
    alipay_only = agent_with(platforms=("alipay",), team=TeamFactory())
    ticket = received_ticket()
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=alipay_only)
    assert refused.value.extra["code"] == "out_of_scope"
    assert refused.value.message == "This ticket is outside your platforms and team."


def test_a_complaint_type_the_agent_does_not_handle_is_refused(db):
    fraud_only = agent_with(types=("fraud",))
    ticket = received_ticket()
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=fraud_only)
    assert refused.value.message == "You do not handle Infringement complaints."


def test_an_agent_at_their_limit_cannot_claim_more(db):
    busy = agent_with(max_open_tickets=1)
    ticket_claim(ticket_id=received_ticket().pk, agent=busy)
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=received_ticket().pk, agent=busy)
    assert refused.value.extra["code"] == "at_capacity"
    assert "1 open tickets" in refused.value.message


def test_only_a_ticket_waiting_for_an_agent_can_be_claimed(agent):
    ticket = received_ticket()
    ticket.status = TicketStatus.REFUSED
    ticket.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=agent)
    assert refused.value.extra["code"] == "wrong_status"
    assert refused.value.message == "Only a ticket waiting for an agent can be claimed; this one is refused."


def test_a_requester_or_a_disabled_agent_cannot_claim(requester, agent):
    ticket = received_ticket()
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=requester)
    assert refused.value.extra["code"] == "forbidden"
    agent.is_active = False
    agent.save()
    with pytest.raises(ApplicationError):
        ticket_claim(ticket_id=ticket.pk, agent=agent)


def test_an_agent_without_a_profile_is_told_to_ask_for_one(db):
    bare = person("agent")
    ticket = received_ticket()
    ticket.team = TeamFactory()
    ticket.save(update_fields=["team"])
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=bare)
    # Without a profile the agent sees no platform and no team: the ticket is simply not theirs.
    assert refused.value.extra["code"] == "out_of_scope"


def test_a_claim_on_an_older_version_is_stale_and_says_what_changed(agent):
    ticket = received_ticket()
    other = agent_with()
    ticket_claim(ticket_id=ticket.pk, agent=other)
    with pytest.raises(ApplicationError) as refused:
        ticket_claim(ticket_id=ticket.pk, agent=agent, expected_version=ticket.version)
    assert refused.value.message == "This ticket changed while you were looking."
    extra = refused.value.extra
    assert extra["code"] == "stale"
    assert extra["version"] == ticket.version + 1
    assert extra["state"]["status"] == "assigned"
    assert extra["state"]["assignee_id"] == other.pk
