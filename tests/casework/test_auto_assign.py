"""tickets_auto_assign: received tickets go to the least-loaded agent who handles them, in service hours."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from apps.casework.models import Notification, NotificationKind
from apps.casework.services import tickets_auto_assign
from apps.casework.tasks import auto_assign
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket
from tests.casework.conftest import agent_with, person, received_ticket, shanghai
from tests.factories import AgentProfileFactory, TicketFactory

pytestmark = pytest.mark.django_db


def holding(agent, count: int) -> None:
    for _ in range(count):
        TicketFactory(status=TicketStatus.ASSIGNED, assignee=agent)


@pytest.mark.parametrize(("at", "assigned"), [("2026-11-24 20:59", True), ("2026-11-24 21:01", False)])
def test_assignment_runs_only_inside_service_hours(agent, at, assigned):
    ticket = received_ticket()
    result = tickets_auto_assign(now=shanghai(at))
    ticket.refresh_from_db()
    assert result.in_service_hours is assigned
    assert (ticket.assignee == agent) is assigned
    assert ticket.status == (TicketStatus.ASSIGNED if assigned else TicketStatus.RECEIVED)


def test_assignment_waits_for_the_morning_and_then_happens(agent):
    ticket = received_ticket()
    tickets_auto_assign(now=shanghai("2026-11-25 08:59:59"))
    ticket.refresh_from_db()
    assert ticket.assignee is None
    tickets_auto_assign(now=shanghai("2026-11-25 09:00"))
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_each_ticket_goes_to_the_least_loaded_agent_who_handles_it():
    busy, lighter = agent_with(), agent_with()
    holding(busy, 2)
    holding(lighter, 1)
    resting = agent_with(accepts_assignments=False)
    full = agent_with(max_open_tickets=1)
    holding(full, 1)
    elsewhere = agent_with(platforms=("alipay",))
    other_type = agent_with(types=("fraud",))
    retired = agent_with()
    retired.is_active = False
    retired.save()
    not_an_agent = person("requester")
    AgentProfileFactory(user=not_an_agent).platforms.set(elsewhere.agent_profile.platforms.all())

    first, second, third = (received_ticket() for _ in range(3))
    result = tickets_auto_assign(now=shanghai("2026-11-24 10:00"))

    assert result.assigned == 3
    owners = [WithdrawalTicket.objects.get(pk=t.pk).assignee for t in (first, second, third)]
    # lighter (1) takes the first; then both hold 2 and the tie goes to the earlier agent; then lighter.
    assert owners == [lighter, busy, lighter]
    for user in (resting, full, elsewhere, other_type, retired, not_an_agent):
        assert not WithdrawalTicket.objects.filter(
            assignee=user, pk__in=[first.pk, second.pk, third.pk]
        ).exists()


def test_a_ticket_nobody_handles_waits_and_the_rest_are_assigned(agent):
    taobao = received_ticket(platform_code="taobao")
    wechat = received_ticket()
    tickets_auto_assign(now=shanghai("2026-11-24 10:00"))
    taobao.refresh_from_db()
    wechat.refresh_from_db()
    assert (taobao.assignee, wechat.assignee) == (None, agent)


def test_the_assignment_is_recorded_and_the_agent_told(agent):
    ticket = received_ticket()
    tickets_auto_assign(now=shanghai("2026-11-24 10:00"))
    ticket.refresh_from_db()
    assert ticket.version == 3
    assert ticket.assigned_at == shanghai("2026-11-24 10:00")
    assert ticket.team == agent.agent_profile.team
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.actor_label, event.data["via"]) == (None, "auto-assign", "auto-assign")
    assert (
        Notification.objects.filter(recipient=agent, ticket=ticket, kind=NotificationKind.ASSIGNED).count()
        == 1
    )


def test_running_twice_assigns_nothing_more(agent):
    received_ticket()
    assert tickets_auto_assign(now=shanghai("2026-11-24 10:00")).assigned == 1
    assert tickets_auto_assign(now=shanghai("2026-11-24 10:00")).assigned == 0
    assert WithdrawalTicket.objects.filter(assignee=agent).count() == 1


def test_an_agents_limit_stops_assignment_and_batches_go_on_while_there_is_room(monkeypatch):
    small = agent_with(max_open_tickets=3)
    tickets = [received_ticket() for _ in range(5)]
    result = tickets_auto_assign(now=shanghai("2026-11-24 10:00"), batch_size=2)
    assert result.assigned == 3
    assert WithdrawalTicket.objects.filter(assignee=small).count() == 3
    assert WithdrawalTicket.objects.filter(pk__in=[t.pk for t in tickets], assignee__isnull=True).count() == 2


def _queries_to_assign(count: int) -> int:
    for _ in range(count):
        received_ticket()
    with CaptureQueriesContext(connection) as queries:
        result = tickets_auto_assign(now=shanghai("2026-11-24 10:00"))
    assert result.assigned == count
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_tickets():
    for _ in range(4):
        agent_with()
    few = _queries_to_assign(3)
    WithdrawalTicket.objects.filter(status=TicketStatus.ASSIGNED).update(status=TicketStatus.REFUSED)
    many = _queries_to_assign(30)
    assert few == many


def test_the_task_runs_the_assignment_on_the_real_clock(agent, now):
    now(shanghai("2026-11-24 12:00"))
    received_ticket()
    assert auto_assign() == 1


def test_beat_runs_the_workspace_jobs_every_minute(db):
    tasks = {task.task: task for task in PeriodicTask.objects.filter(task__startswith="casework.")}
    assert set(tasks) == {"casework.auto_assign", "casework.deadline_soon", "casework.breach_notices"}
    for task in tasks.values():
        assert task.enabled
        assert (task.interval.every, task.interval.period) == (1, "minutes")


def test_agent_loads_count_the_open_tickets_against_the_limit(django_assert_num_queries):
    from apps.casework.selectors import agent_loads

    busy, idle = agent_with(max_open_tickets=5), agent_with()
    holding(busy, 2)
    TicketFactory(status=TicketStatus.APPROVED, assignee=busy)
    with django_assert_num_queries(1):
        loads = agent_loads()
    assert [(load.user_id, load.open_tickets, load.max_open_tickets) for load in loads] == [
        (busy.pk, 2, 5),
        (idle.pk, 0, 40),
    ]
