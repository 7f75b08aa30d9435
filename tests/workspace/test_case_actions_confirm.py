"""Refusing and routing cannot be taken back: the page asks first, in a dialog or (without it) a step."""

import re

import pytest
from django.urls import reverse

from apps.casework.services import ticket_claim
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.workspace.conftest import agent_with, received_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


@pytest.fixture
def held(as_user, now):
    agent = agent_with()
    agent.display_name = "Wang Fang"
    agent.save(update_fields=["display_name"])
    ticket = ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    return as_user(agent), ticket


def act(client, ticket, action, **data):
    return client.post(reverse("workspace:case_action", args=[ticket.reference, action]), data,
                       HTTP_ACCEPT_LANGUAGE="en")


def test_a_refusal_without_confirmation_changes_nothing_and_asks(held):
    client, ticket = held
    reason = "The complaint was already handled."
    response = act(client, ticket, "refuse", version=ticket.version, reason=reason)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="confirm"' in page and "Refuse this withdrawal?" in page
    assert f"Ticket {ticket.reference} is refused." in page
    assert "The complaint was already handled." in page  # the reason typed, to check and edit
    assert 'name="confirm" value="1"' in page
    fresh = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert fresh.status == TicketStatus.ASSIGNED and fresh.version == ticket.version


def test_the_confirmation_step_refuses(held):
    client, ticket = held
    asked = act(client, ticket, "refuse", version=ticket.version, reason="Already handled.").content.decode()
    version = re.search(r'id="confirm".*?name="version" value="(\d+)"', asked, re.S).group(1)

    response = act(client, ticket, "refuse", version=version, reason="Already handled, sorry.", confirm="1")

    assert response.status_code == 302
    fresh = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert fresh.status == TicketStatus.REFUSED and fresh.decision_reason == "Already handled, sorry."


def test_routing_asks_first_and_names_the_route(held):
    client, ticket = held
    response = act(client, ticket, "route", version=ticket.version, route="administrative_reconsideration")
    page = response.content.decode()
    assert response.status_code == 200 and "Send the requester to another route?" in page
    assert "administrative reconsideration" in page
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED

    done = act(
        client, ticket, "route", version=ticket.version, route="administrative_reconsideration", confirm="1"
    )
    assert done.status_code == 302
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ROUTED


def test_approving_needs_no_confirmation(held):
    client, ticket = held
    response = act(client, ticket, "approve", version=ticket.version)
    assert response.status_code == 400  # documents missing: refused at once, not asked about
    assert 'id="confirm"' not in response.content.decode()


def test_a_confirmation_for_someone_who_cannot_decide_says_why(as_user, held):
    _client, ticket = held
    colleague = agent_with()
    response = act(as_user(colleague), ticket, "refuse", version=ticket.version, reason="x")
    page = response.content.decode()
    assert "This cannot be done now" in page and "Wang Fang" in page
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED


def test_the_case_page_carries_the_dialog_and_the_disabled_reasons(held):
    client, ticket = held
    page = client.get(reverse("workspace:case", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert '<dialog id="confirm-refuse"' in text and 'data-confirm="confirm-refuse"' in text
    assert '<dialog id="confirm-route"' in text
    # Approve is disabled, its reason next to it and tied to it for screen readers.
    button = re.search(r'<form[^>]*id="action-approve".*?</form>', text, re.S).group(0)
    assert "disabled" in button and 'aria-describedby="why-approve"' in button
    why = r'<span class="action-why" id="why-approve">These documents are missing: .+</span>'
    assert re.search(why, button)
    assert re.findall(r'<h2 id="actions-(\w+)"', text) == ["now", "decide", "other"]
