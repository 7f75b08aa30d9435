"""The API gives each deadline's state beside its ISO time, as the pages show it, and in its schema."""

from datetime import timedelta

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.api.presenters import ticket_progress_data, ticket_summary
from apps.api.serializers import TicketSummarySerializer
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.casework.conftest import now, received_ticket, shanghai  # noqa: F401

pytestmark = pytest.mark.django_db
STATES = ["running", "paused", "met_on_time", "met_late", "missed", "not_applicable"]


def test_a_waiting_ticket_answers_its_decision_deadline_paused_with_its_iso_time(now):  # noqa: F811
    moment = now(shanghai("2026-11-24 10:00"))
    ticket = received_ticket()
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.WAITING_ON_REQUESTER, waiting_since=moment - timedelta(hours=1),
        first_contact_at=moment - timedelta(minutes=1),
    )
    ticket = WithdrawalTicket.objects.select_related(
        "platform", "complaint_type", "special_case", "complaint", "stage", "route"
    ).get(pk=ticket.pk)
    now(moment + timedelta(days=9))  # long past the stored moment: still paused
    summary = ticket_summary(ticket)
    assert summary["decision_due_at"].startswith("2026-11-27T09:45:00")
    assert summary["decision_state"] == "paused"
    assert summary["first_contact_state"] == "met_on_time"
    assert summary["complaint_resolution_state"] in STATES
    assert summary == dict(TicketSummarySerializer(ticket).data)
    progress = ticket_progress_data(ticket=ticket, now=moment + timedelta(days=9))
    deadlines = {d["kind"]: d for d in progress["deadlines"]}
    assert (deadlines["decision"]["state"], deadlines["decision"]["passed"]) == ("paused", False)
    assert deadlines["first_contact"]["state"] == "met_on_time"


def test_the_schema_lists_the_states():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    summary = components["TicketSummary"]["properties"]
    for field in ("first_contact_state", "decision_state", "complaint_resolution_state"):
        assert summary[field].get("readOnly") is True
    deadline = components["Deadline"]["properties"]
    assert set(deadline) >= {"kind", "at", "state", "passed", "met_at"}
