"""ticket_staff_edit: a staff correction of who holds a ticket, checked against the version it was made on."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import translation

from apps.core.errors import ApplicationError
from apps.policy.models import SpecialCase
from apps.tickets.models import EventKind, TicketEvent, WithdrawalTicket
from apps.tickets.services import RowCorrection, ticket_lock_at_version, ticket_staff_edit
from tests.factories import TeamFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

STALE_MESSAGE = "This ticket has changed since you opened it. Reload the page and make your change again."
NOW = datetime(2026, 11, 24, 13, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor():
    return UserFactory(is_staff=True, display_name="王主管")


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr("apps.core.clock.now", lambda: NOW)
    return NOW


def events_of(ticket: WithdrawalTicket) -> list[TicketEvent]:
    """The events of the fields changed (a status change that follows an assignment is left out)."""
    return list(
        TicketEvent.objects.filter(ticket=ticket).exclude(kind=EventKind.STATUS_CHANGED).order_by("id")
    )


def test_a_change_raises_the_version_and_records_one_event_per_field(supervisor, frozen_now):
    ticket = TicketFactory()
    agent, team = UserFactory(is_staff=True, display_name="李客服"), TeamFactory(name="二线")
    special_case = SpecialCase.objects.order_by("pk").first()

    saved = ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, actor=supervisor, actor_label="admin",
        changes={"assignee": agent, "team": team, "special_case": special_case},
    )

    ticket.refresh_from_db()
    assert saved.version == ticket.version == 2
    assert (ticket.assignee, ticket.team, ticket.special_case) == (agent, team, special_case)
    assert ticket.updated_at == saved.updated_at
    assert [
        (event.kind, event.actor, event.actor_label, event.from_value, event.to_value, event.data)
        for event in events_of(ticket)
    ] == [
        (EventKind.ASSIGNED, supervisor, "admin", "", "李客服",
         {"field": "assignee", "from_id": None, "to_id": agent.pk}),
        (EventKind.ASSIGNED, supervisor, "admin", "", "二线",
         {"field": "team", "from_id": None, "to_id": team.pk}),
        (EventKind.NOTE, supervisor, "admin", "", str(special_case),
         {"field": "special_case", "from_id": None, "to_id": special_case.pk}),
    ]
    assert all(event.occurred_at == frozen_now for event in events_of(ticket))


def test_a_reassignment_records_the_agent_it_came_from(supervisor):
    first, second = UserFactory(display_name="李客服"), UserFactory(display_name="张客服")
    ticket = TicketFactory(assignee=first)

    ticket_staff_edit(ticket_id=ticket.pk, expected_version=1, changes={"assignee": second}, actor=supervisor)

    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ASSIGNED)
    assert (event.from_value, event.to_value) == ("李客服", "张客服")
    assert (event.data["from_id"], event.data["to_id"]) == (first.pk, second.pk)


def test_changing_the_assignee_sets_when_it_was_assigned(supervisor, frozen_now):
    ticket = TicketFactory()

    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"assignee": UserFactory()}, actor=supervisor
    )

    ticket.refresh_from_db()
    assert ticket.assigned_at == frozen_now


def test_taking_the_assignee_away_clears_when_it_was_assigned(supervisor):
    ticket = TicketFactory(assignee=UserFactory(), assigned_at=NOW)

    ticket_staff_edit(ticket_id=ticket.pk, expected_version=1, changes={"assignee": None}, actor=supervisor)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.assigned_at, ticket.version) == (None, None, 2)


def test_changing_only_the_team_leaves_when_it_was_assigned_alone(supervisor):
    ticket = TicketFactory(assignee=UserFactory(), assigned_at=NOW)

    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"team": TeamFactory()}, actor=supervisor
    )

    ticket.refresh_from_db()
    assert ticket.assigned_at == NOW


def test_a_change_made_on_an_older_version_is_refused_and_changes_nothing(supervisor):
    ticket = TicketFactory()
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(version=2)  # the clock moved it meanwhile

    with pytest.raises(ApplicationError) as refused:
        ticket_staff_edit(
            ticket_id=ticket.pk, expected_version=1, actor=supervisor,
            changes={"assignee": UserFactory(), "team": TeamFactory()},
            corrections=[RowCorrection(model_name="letter", row_id=1, fields=["reason"])],
        )

    assert refused.value.message == STALE_MESSAGE
    assert refused.value.extra["code"] == "stale_version"
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.team, ticket.assigned_at, ticket.version) == (None, None, None, 2)
    assert events_of(ticket) == []


def test_of_two_edits_made_on_the_same_version_only_the_first_lands(supervisor):
    ticket = TicketFactory()
    other_supervisor = UserFactory(is_staff=True)
    first_agent, second_agent = UserFactory(), UserFactory()

    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"assignee": first_agent}, actor=supervisor
    )
    with pytest.raises(ApplicationError, match="changed since you opened it"):
        ticket_staff_edit(
            ticket_id=ticket.pk, expected_version=1, changes={"assignee": second_agent},
            actor=other_supervisor,
        )

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.version) == (first_agent, 2)
    assert [(event.actor, event.data["to_id"]) for event in events_of(ticket)] == [
        (supervisor, first_agent.pk)
    ]


def test_an_edit_made_on_the_new_version_lands(supervisor):
    ticket = TicketFactory()
    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"team": TeamFactory()}, actor=supervisor
    )

    ticket_staff_edit(ticket_id=ticket.pk, expected_version=2, changes={"team": None}, actor=supervisor)

    ticket.refresh_from_db()
    assert (ticket.team, ticket.version) == (None, 3)
    assert len(events_of(ticket)) == 2


def test_setting_a_field_to_the_value_it_has_changes_nothing(supervisor):
    team = TeamFactory()
    ticket = TicketFactory(team=team)

    saved = ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"team": team}, actor=supervisor
    )

    ticket.refresh_from_db()
    assert saved.version == ticket.version == 1
    assert events_of(ticket) == []


def test_corrections_to_the_tickets_rows_are_recorded_in_the_same_new_version(supervisor):
    ticket = TicketFactory()
    team = TeamFactory()

    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, actor=supervisor, actor_label="admin",
        changes={"team": team},
        corrections=[
            RowCorrection(model_name="letter", row_id=7, fields=["respondent", "reason"]),
            RowCorrection(model_name="evidencefile", row_id=9, fields=["tier"]),
        ],
    )

    ticket.refresh_from_db()
    assert ticket.version == 2
    assert [(event.kind, event.actor, event.to_value, event.data) for event in events_of(ticket)] == [
        (EventKind.ASSIGNED, supervisor, team.name, {"field": "team", "from_id": None, "to_id": team.pk}),
        (EventKind.NOTE, supervisor, "respondent, reason",
         {"model": "letter", "id": 7, "fields": ["respondent", "reason"]}),
        (EventKind.NOTE, supervisor, "tier", {"model": "evidencefile", "id": 9, "fields": ["tier"]}),
    ]


@pytest.mark.parametrize("field", ["status", "stage", "decided_by", "version"])
def test_fields_owned_by_other_services_or_the_clock_cannot_be_changed_here(supervisor, field):
    ticket = TicketFactory()

    with pytest.raises(ApplicationError) as refused:
        ticket_staff_edit(ticket_id=ticket.pk, expected_version=1, changes={field: None}, actor=supervisor)

    assert refused.value.extra == {"code": "not_editable", "fields": [field]}
    ticket.refresh_from_db()
    assert ticket.version == 1
    assert events_of(ticket) == []


def test_the_lock_refuses_a_page_that_did_not_say_its_version():
    ticket = TicketFactory()
    with transaction.atomic(), pytest.raises(ApplicationError, match="changed since you opened it"):
        ticket_lock_at_version(ticket_id=ticket.pk, expected_version=None)


def test_taking_the_agent_off_an_assigned_ticket_puts_it_back_in_the_queue(supervisor):
    ticket = TicketFactory(status="assigned", assignee=UserFactory(), assigned_at=NOW)

    ticket_staff_edit(ticket_id=ticket.pk, expected_version=1, changes={"assignee": None}, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.status == "received"
    change = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)
    assert (change.from_value, change.to_value) == ("assigned", "received")


def test_giving_a_received_ticket_an_agent_puts_it_with_them(supervisor):
    ticket = TicketFactory(status="received")

    ticket_staff_edit(
        ticket_id=ticket.pk, expected_version=1, changes={"assignee": UserFactory()}, actor=supervisor
    )

    ticket.refresh_from_db()
    assert ticket.status == "assigned"
