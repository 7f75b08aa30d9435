"""Personal data is shown masked; revealing it needs the permission and a reason, and is recorded."""

import pytest

from apps.casework.services import PersonalDataField, personal_data_masked, personal_data_reveal, ticket_claim
from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.models import EventKind
from tests.casework.conftest import agent_with, received_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester, agent):
    ticket = received_ticket(requester=requester)
    IdentityVerificationAttempt.objects.create(
        ticket=ticket,
        user=requester,
        method="face_recognition",
        provider="dev",
        outcome="passed",
        ip_address="203.0.113.45",
    )
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


def test_the_case_page_shows_personal_data_masked(ticket):
    assert personal_data_masked(ticket=ticket) == {
        "requester_phone": "138****8000",
        "identity_ip_address": "203.0.113.*",
    }


def test_a_supervisor_reveals_with_a_reason_and_the_log_keeps_the_reason_not_the_value(ticket, supervisor):
    value = personal_data_reveal(
        ticket_id=ticket.pk,
        viewer=supervisor,
        field=PersonalDataField.REQUESTER_PHONE,
        purpose="call_requester",
        reason="Calling back about the missing proof.",
    )
    assert value == "13800138000"
    event = ticket.events.get(kind=EventKind.PERSONAL_DATA_REVEALED)
    assert event.actor == supervisor
    assert event.data == {
        "field": "requester_phone",
        "purpose": "call_requester",
        "reason": "Calling back about the missing proof.",
    }
    assert "13800138000" not in str(event.data) + event.to_value + event.from_value
    assert (
        personal_data_reveal(
            ticket_id=ticket.pk,
            viewer=supervisor,
            field="identity_ip_address",
            purpose="call_requester",
            reason="Checking a second attempt.",
        )
        == "203.0.113.45"
    )


def test_revealing_does_not_make_colleagues_pages_stale(ticket, supervisor):
    personal_data_reveal(
        ticket_id=ticket.pk,
        viewer=supervisor,
        field="requester_phone",
        purpose="call_requester",
        reason="Call back.",
    )
    ticket.refresh_from_db()
    assert ticket.version == 3  # received (2), claimed (3); the reveal changed nothing


def test_the_agent_holding_the_ticket_reveals_the_phone_to_call_but_not_the_ip(ticket, agent):
    phone = personal_data_reveal(
        ticket_id=ticket.pk,
        viewer=agent,
        field="requester_phone",
        purpose="call_requester",
        reason="Call back.",
    )
    assert phone == "13800138000"
    with pytest.raises(ApplicationError) as refused:
        personal_data_reveal(
            ticket_id=ticket.pk, viewer=agent, field="identity_ip_address", purpose="other", reason="Curious."
        )
    assert refused.value.extra["code"] == "forbidden"
    assert ticket.events.filter(kind=EventKind.PERSONAL_DATA_REVEALED).count() == 1


def test_an_agent_not_holding_the_ticket_cannot_reveal_the_phone(ticket):
    colleague = agent_with()
    with pytest.raises(ApplicationError) as refused:
        personal_data_reveal(
            ticket_id=ticket.pk,
            viewer=colleague,
            field="requester_phone",
            purpose="call_requester",
            reason="Call back.",
        )
    assert refused.value.extra["code"] in ("forbidden", "not_found")
    assert not ticket.events.filter(kind=EventKind.PERSONAL_DATA_REVEALED).exists()


def test_a_reason_is_required(ticket, supervisor):
    with pytest.raises(ApplicationError) as refused:
        personal_data_reveal(
            ticket_id=ticket.pk,
            viewer=supervisor,
            field="requester_phone",
            purpose="call_requester",
            reason="   ",
        )
    assert refused.value.message == "Say why you need to see it: the reason is recorded."


def test_an_unknown_field_or_ticket_is_refused(ticket, supervisor):
    with pytest.raises(ApplicationError) as field:
        personal_data_reveal(
            ticket_id=ticket.pk,
            viewer=supervisor,
            field="password",
            purpose="call_requester",
            reason="Curious.",
        )
    assert field.value.extra["field"] == "field"
    with pytest.raises(ApplicationError) as missing:
        personal_data_reveal(
            ticket_id=999_999,
            viewer=supervisor,
            field="requester_phone",
            purpose="call_requester",
            reason="Call back.",
        )
    assert missing.value.extra["code"] == "not_found"
