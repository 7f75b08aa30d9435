"""The queue orders as it says, counts its tabs, and "due within an hour" means still savable."""

import pytest
from django.urls import reverse

from apps.accounts.roles import SUPERVISOR
from apps.casework.services import ticket_claim
from apps.tickets.models import WithdrawalTicket
from apps.workspace.queue import QueueFilters, Tab, queue_page, tab_counts
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = pytest.mark.django_db
QUEUE = "/workspace/"


@pytest.fixture
def as_user(as_english_user):
    """These pages are read in English (the workspace is Chinese by default)."""
    return as_english_user
NOW = "2026-11-24 10:00"
# Filed at different ages, so the tickets sit in every stage, entered at different moments.
FILED = (
    "2026-11-20 08:00", "2026-11-22 09:00", "2026-11-22 21:00", "2026-11-23 11:00", "2026-11-23 20:00",
    "2026-11-24 01:00", "2026-11-24 03:30", "2026-11-24 05:00", "2026-11-24 08:00", "2026-11-24 09:40",
)


@pytest.fixture
def spread(now):
    now(shanghai(NOW))
    return [received_ticket(filed=filed, submitted="2026-11-24 09:50") for filed in FILED]


def _all_pages(user, filters, size):
    seen, cursor = [], ""
    for _ in range(50):
        page = queue_page(user=user, filters=filters, now=shanghai(NOW), cursor=cursor, size=size)
        seen += page.rows
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


def test_the_loss_column_never_rises_down_the_queue(spread):
    rows = _all_pages(person(SUPERVISOR), QueueFilters(tab=Tab.ALL), size=100)
    losses = [row.hourly_loss for row in rows]
    assert len(rows) == len(spread)
    assert len({row.ticket.stage_id for row in rows}) >= 3  # the order crosses stages
    assert losses == sorted(losses, reverse=True)


@pytest.mark.parametrize("size", [1, 3, 4])
def test_small_pages_give_the_same_order_without_gaps_or_repeats(spread, size):
    supervisor = person(SUPERVISOR)
    whole = [row.ticket.pk for row in _all_pages(supervisor, QueueFilters(tab=Tab.ALL), size=100)]
    paged = [row.ticket.pk for row in _all_pages(supervisor, QueueFilters(tab=Tab.ALL), size=size)]
    assert paged == whole


@pytest.mark.parametrize(("sort", "field"), [
    ("decision_due", "decision_due_at"),
    ("first_contact_due", "first_contact_due_at"),
    ("received", "received_at"),
])
@pytest.mark.parametrize("descending", [False, True])
def test_a_column_sort_orders_every_page_by_that_column(spread, sort, field, descending):
    filters = QueueFilters(tab=Tab.ALL, sort=sort, descending=descending)
    rows = _all_pages(person(SUPERVISOR), filters, size=3)
    values = [(getattr(row.ticket, field), row.ticket.pk) for row in rows]
    assert len(values) == len(spread) and len({pk for _v, pk in values}) == len(spread)
    moments = [value for value, _pk in values]
    assert moments == sorted(moments, reverse=descending)


def test_the_header_links_sort_and_mark_the_sorted_column(as_user, spread):
    client = as_user(person(SUPERVISOR))
    page = client.get(QUEUE, {"tab": "all", "sort": "decision_due", "dir": "desc"}).content.decode()
    assert 'aria-sort="descending"' in page and "sort=decision_due&amp;dir=asc" in page
    order = list(WithdrawalTicket.objects.order_by("-decision_due_at", "id"))
    positions = [page.index(f'data-reference="{t.reference}"') for t in order]
    assert positions == sorted(positions)


def test_due_within_an_hour_leaves_out_what_is_already_breached(now):
    agent = agent_with()
    late = received_ticket(filed="2026-11-24 05:00", submitted="2026-11-24 09:01")  # contact due 09:00
    WithdrawalTicket.objects.filter(pk=late.pk).update(first_contact_breached_at=shanghai("2026-11-24 09:00"))
    soon = received_ticket(filed="2026-11-24 06:30", submitted="2026-11-24 09:05")  # contact due 10:30
    later = received_ticket(filed="2026-11-24 09:30", submitted="2026-11-24 09:40")  # contact due 13:30
    page = queue_page(user=agent, filters=QueueFilters(tab=Tab.ALL, urgency="soon"), now=shanghai(NOW))
    assert [row.ticket.pk for row in page.rows] == [soon.pk]
    every = queue_page(user=agent, filters=QueueFilters(tab=Tab.ALL), now=shanghai(NOW))
    assert {row.ticket.pk for row in every.rows} == {late.pk, soon.pk, later.pk}


def test_an_agent_has_an_all_i_may_see_tab_bounded_by_their_platforms(as_user):
    agent = agent_with(platforms=("wechat",))
    mine = received_ticket()
    elsewhere = received_ticket(platform_code="taobao")
    text = as_user(agent).get(QUEUE, {"tab": "all"}).content.decode()
    assert "All I may see" in text
    assert mine.reference in text and elsewhere.reference not in text


def test_every_tab_shows_how_many_tickets_it_holds(as_user):
    agent = agent_with()
    claimed, _free, _other = received_ticket(), received_ticket(), received_ticket()
    ticket_claim(ticket_id=claimed.pk, agent=agent)
    counts = tab_counts(user=agent, filters=QueueFilters(tab=Tab.MINE), now=shanghai(NOW))
    assert counts == {Tab.MINE: 1, Tab.UNASSIGNED: 2, Tab.TEAM: 1, Tab.ALL: 3}  # claimed: in my team
    text = as_user(agent).get(QUEUE).content.decode()
    assert '<span class="count" data-tab="unassigned">2</span>' in text
    assert '<span class="count" data-tab="all">3</span>' in text


def test_a_supervisor_can_select_every_ticket_on_the_page(as_user):
    received_ticket()
    text = as_user(person(SUPERVISOR)).get(QUEUE, {"tab": "all"}).content.decode()
    assert "data-select-all" in text and "js/queue.js" in text


def test_a_stale_cursor_of_another_order_starts_again_at_the_first_page(spread):
    supervisor = person(SUPERVISOR)
    by_loss = queue_page(user=supervisor, filters=QueueFilters(tab=Tab.ALL), now=shanghai(NOW), size=2)
    by_due = queue_page(
        user=supervisor, filters=QueueFilters(tab=Tab.ALL, sort="decision_due"), now=shanghai(NOW), size=2,
        cursor=by_loss.next_cursor or "",
    )
    first = queue_page(
        user=supervisor, filters=QueueFilters(tab=Tab.ALL, sort="decision_due"), now=shanghai(NOW), size=2
    )
    assert [r.ticket.pk for r in by_due.rows] == [r.ticket.pk for r in first.rows]


def test_bulk_assignment_still_answers_after_the_move(as_user):
    ticket = received_ticket()
    agent = agent_with()
    response = as_user(person(SUPERVISOR)).post(
        reverse("workspace:bulk_assign"), {"ticket": [str(ticket.pk)], "agent": str(agent.pk)}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk


def test_a_long_tab_shows_a_bounded_count(as_user, monkeypatch):
    monkeypatch.setattr("apps.workspace.queue.COUNT_CAP", 2)
    for _ in range(4):
        received_ticket()
    counts = tab_counts(user=person(SUPERVISOR), filters=QueueFilters(tab=Tab.ALL), now=shanghai(NOW))
    assert counts[Tab.ALL] == 3  # counting stops one past the cap
    text = as_user(person(SUPERVISOR)).get(QUEUE, {"tab": "all"}).content.decode()
    assert '<span class="count" data-tab="all">2+</span>' in text
