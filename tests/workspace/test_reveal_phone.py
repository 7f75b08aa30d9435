"""An agent reveals the requester's phone to call them: a purpose and a reason, both recorded."""

import pytest
from django.urls import reverse

from apps.accounts.roles import REQUESTER
from apps.casework.services import ticket_claim
from apps.tickets.models import EventKind, TicketEvent
from tests.workspace.conftest import agent_with, person, received_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
PHONE = "13812345678"


@pytest.fixture
def held(as_user, now):
    agent = agent_with()
    requester = person(REQUESTER, phone=PHONE)
    ticket = ticket_claim(ticket_id=received_ticket(requester=requester).pk, agent=agent)
    return agent, as_user(agent), ticket


def reveal(client, ticket, **data):
    return client.post(reverse("workspace:reveal", args=[ticket.reference]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_phone_is_masked_and_the_holder_is_offered_to_reveal_it(held):
    _agent, client, ticket = held
    page = client.get(reverse("workspace:case", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert PHONE not in text and "138****5678" in text
    assert "Reveal to call" in text and 'name="purpose"' in text
    assert "IP address of the identity check" in text


def test_without_a_reason_it_is_refused_with_a_clear_message(held):
    _agent, client, ticket = held
    response = reveal(client, ticket, field="requester_phone", purpose="call_requester", reason="  ")
    text = response.content.decode()
    assert response.status_code == 400
    assert PHONE not in text
    assert 'id="reveal-error-requester_phone"' in text
    assert "Say why you need to see it: the reason is recorded." in text
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED).exists()


def test_without_a_purpose_it_is_refused(held):
    _agent, client, ticket = held
    response = reveal(client, ticket, field="requester_phone", reason="to call")
    assert response.status_code == 400
    assert "Choose why you need to see it." in response.content.decode()


def test_with_a_reason_the_number_is_shown_to_call_and_the_reveal_recorded(held, now):
    agent, client, ticket = held
    response = reveal(
        client, ticket, field="requester_phone", purpose="call_back",
        reason="Asked for a call about the proof.",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'href="tel:{PHONE}"' in text
    assert response["Cache-Control"] == "private, no-store"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED)
    assert event.actor == agent and event.to_value == "requester_phone"
    assert event.data == {
        "field": "requester_phone", "purpose": "call_back", "reason": "Asked for a call about the proof."
    }
    assert PHONE not in str(event.data)


def test_a_colleague_not_holding_the_ticket_is_refused(held, as_user):
    _agent, _client, ticket = held
    colleague = agent_with()
    client = as_user(colleague)
    page = client.get(reverse("workspace:case", args=[ticket.reference])).content.decode()
    assert "Reveal to call" not in page
    response = reveal(client, ticket, field="requester_phone", purpose="call_requester", reason="curious")
    assert response.status_code == 400
    assert PHONE not in response.content.decode()
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED).exists()
