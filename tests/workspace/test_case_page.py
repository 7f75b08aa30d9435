"""The case page and its actions through HTTP: claim to approval, templates, stale pages, reveals."""

import pytest
from django.urls import reverse

from apps.accounts.roles import SUPERVISOR
from apps.casework.models import ReplyTemplate
from apps.tickets.models import EventKind, TicketEvent, TicketStatus, WithdrawalTicket
from tests.workspace.conftest import agent_with, person, received_ticket

pytestmark = pytest.mark.django_db


def act(client, ticket, action, **data):
    return client.post(reverse("workspace:case_action", args=[ticket.reference, action]), data)


def test_an_agent_works_a_ticket_from_claim_to_approval(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    client = as_user(agent)
    page = client.get(reverse("workspace:case", args=[ticket.reference])).content.decode()
    assert "Claim this ticket" in page or "认领" in page

    act(client, ticket, "claim", version=ticket.version)
    ticket.refresh_from_db()
    act(client, ticket, "contact", version=ticket.version, channel="phone", note="called")
    ticket.refresh_from_db()
    assert ticket.first_contact_at is not None
    refused = act(client, ticket, "approve", version=ticket.version, note="too early")
    assert refused.status_code == 400  # the type's documents are missing: the page names them
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ASSIGNED
    provide_required_documents(ticket)
    ticket.refresh_from_db()

    assert act(client, ticket, "approve", version=ticket.version, note="proof received").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.APPROVED
    assert ticket.complaint.status == "withdrawn"


def provide_required_documents(ticket):
    from django.core.files.base import ContentFile

    from apps.evidence.services import evidence_upload
    from apps.intake.selectors import ticket_required_documents
    from tests.evidence import files
    from tests.factories import tier

    for n, check in enumerate(ticket_required_documents(ticket=ticket)):
        evidence_upload(
            ticket=ticket, uploaded_by=ticket.requester, tier=tier("core"), document=check.document,
            file=ContentFile(files.pdf_bytes(f"doc {n}"), name=f"doc{n}.pdf"), original_name=f"doc{n}.pdf",
        )


def test_a_refusal_with_a_reply_template(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    client = as_user(agent)
    act(client, ticket, "claim", version=ticket.version)
    ticket.refresh_from_db()
    template = ReplyTemplate.objects.filter(active=True).first()

    refused = act(client, ticket, "refuse", version=ticket.version, template=template.pk, confirm=1)
    assert refused.status_code == 302

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REFUSED
    assert ticket.decision_reason in (template.body, template.body_en)


def test_a_stale_page_is_told_the_new_state_and_keeps_what_was_typed(as_user, now):
    agent = agent_with()
    supervisor = person(SUPERVISOR)
    ticket = received_ticket()
    client = as_user(agent)
    act(client, ticket, "claim", version=ticket.version)
    ticket.refresh_from_db()
    seen = ticket.version
    from apps.casework.services import ticket_refuse

    ticket_refuse(ticket_id=ticket.pk, agent=supervisor, reason="duplicate", expected_version=seen)

    response = act(client, ticket, "refuse", version=seen, reason="我写的很长的理由", confirm=1)
    text = response.content.decode()
    assert response.status_code == 409
    assert 'id="stale"' in text
    assert WithdrawalTicket.objects.get(pk=ticket.pk).decision_reason == "duplicate"


def test_revealing_the_phone_needs_a_reason_and_is_recorded(as_user, now):
    supervisor = person(SUPERVISOR)
    ticket = received_ticket()
    ticket.requester.phone = "13812345678"
    ticket.requester.save()
    client = as_user(supervisor)
    page = client.get(reverse("workspace:case", args=[ticket.reference])).content.decode()
    assert "13812345678" not in page and "138****5678" in page

    refused = client.post(reverse("workspace:reveal", args=[ticket.reference]), {"field": "requester_phone"})
    assert refused.status_code == 400
    shown = client.post(reverse("workspace:reveal", args=[ticket.reference]),
                        {"field": "requester_phone", "purpose": "call_requester",
                         "reason": "call back about evidence"})

    assert "13812345678" in shown.content.decode()
    assert shown["Cache-Control"] == "private, no-store"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED)
    assert "13812345678" not in str(event.data)


def test_an_agent_cannot_reveal_without_the_permission(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    response = as_user(agent).post(reverse("workspace:reveal", args=[ticket.reference]),
                                   {"field": "requester_phone", "purpose": "other", "reason": "curious"})
    assert response.status_code == 400
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED).exists()


def test_a_supervisor_reassigns_in_bulk(as_user, now):
    supervisor = person(SUPERVISOR)
    first, second = agent_with(), agent_with()
    tickets = [received_ticket() for _ in range(3)]
    client = as_user(supervisor)

    client.post(reverse("workspace:bulk_assign"), {"ticket": [t.pk for t in tickets], "agent": first.pk})
    client.post(reverse("workspace:bulk_assign"), {"ticket": [t.pk for t in tickets[:2]], "agent": second.pk})

    rows = WithdrawalTicket.objects.filter(pk__in=[t.pk for t in tickets])
    owners = dict(rows.values_list("pk", "assignee"))
    assert owners == {tickets[0].pk: second.pk, tickets[1].pk: second.pk, tickets[2].pk: first.pk}


def test_an_agent_cannot_bulk_assign(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    as_user(agent).post(reverse("workspace:bulk_assign"), {"ticket": [ticket.pk], "agent": agent.pk})
    assert WithdrawalTicket.objects.get(pk=ticket.pk).assignee is None


def test_an_unknown_route_is_refused_not_read_as_reconsideration(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    client = as_user(agent)
    act(client, ticket, "claim", version=ticket.version)
    ticket.refresh_from_db()

    response = act(client, ticket, "route", version=ticket.version, route="nowhere", confirm=1)

    assert response.status_code == 400
    assert WithdrawalTicket.objects.get(pk=ticket.pk).status == TicketStatus.ASSIGNED
