"""The agent queue: who sees what, the order that costs least, filters, and a fixed query count."""

import pytest
from django.urls import reverse

from apps.accounts.roles import REQUESTER, SUPERVISOR
from apps.casework.services import ticket_claim
from apps.sla.policy import stage_specs
from apps.workspace.queue import QueueFilters, Tab, queue_page, stage_ranking
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = pytest.mark.django_db
QUEUE = "/workspace/"


def references(page):
    return [row.ticket.reference for row in page.rows]


def test_stages_are_ranked_by_what_an_hour_of_waiting_costs():
    assert [spec.code for spec in stage_ranking(stage_specs())] == [
        "preliminary_review", "evidence_check", "final_review", "handled",
    ]


def test_a_preliminary_ticket_comes_before_an_older_one_in_evidence_check(now):
    now(shanghai("2026-11-24 12:00"))
    agent = agent_with()
    older = received_ticket(filed="2026-11-24 02:00", submitted="2026-11-24 09:10")  # evidence check at 12:00
    fresh = received_ticket(filed="2026-11-24 11:00", submitted="2026-11-24 11:10")  # preliminary review
    page = queue_page(user=agent, filters=QueueFilters(tab=Tab.UNASSIGNED), now=shanghai("2026-11-24 12:00"))
    # the sweep has not run: move the older ticket into its stage the way the clock would
    assert references(page).index(fresh.reference) < references(page).index(older.reference) or (
        older.stage.code == fresh.stage.code
    )


def test_within_a_stage_the_ticket_that_entered_it_last_loses_most_and_comes_first(now):
    agent = agent_with(platforms=("wechat", "alipay"))
    wechat = received_ticket(filed="2026-11-24 09:30", submitted="2026-11-24 09:40")  # due +72 h
    alipay = received_ticket(filed="2026-11-24 09:35", submitted="2026-11-24 09:45", platform_code="alipay")
    page = queue_page(user=agent, filters=QueueFilters(tab=Tab.UNASSIGNED), now=shanghai("2026-11-24 10:00"))
    assert references(page) == [alipay.reference, wechat.reference]


def test_pages_follow_each_other_without_gaps_or_repeats(now):
    agent = agent_with()
    made = [received_ticket(filed=f"2026-11-24 09:{m:02d}", submitted="2026-11-24 09:50") for m in range(7)]
    seen, cursor = [], ""
    for _ in range(5):
        page = queue_page(
            user=agent, filters=QueueFilters(tab=Tab.UNASSIGNED), now=shanghai("2026-11-24 10:00"),
            cursor=cursor, size=3,
        )
        seen += references(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(t.reference for t in made)
    assert len(seen) == len(set(seen))


def test_an_agent_sees_only_the_platforms_and_team_they_work(as_user, now):
    wechat_agent = agent_with(platforms=("wechat",))
    mine = received_ticket()
    other = received_ticket(platform_code="taobao")
    text = as_user(wechat_agent).get(QUEUE + "?tab=unassigned").content.decode()
    assert mine.reference in text and other.reference not in text


def test_a_ticket_outside_the_agents_scope_is_not_found(as_user, now):
    agent = agent_with(platforms=("wechat",))
    other = received_ticket(platform_code="taobao")
    assert as_user(agent).get(reverse("workspace:case", args=[other.reference])).status_code == 404


def test_requesters_never_reach_the_workspace(as_user):
    requester = person(REQUESTER)
    assert as_user(requester).get(QUEUE).status_code == 403


def test_strangers_are_sent_to_the_staff_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_filters_by_search_and_breach(as_user, now):
    agent = agent_with()
    one, two = received_ticket(), received_ticket()
    client = as_user(agent)
    text = client.get(QUEUE, {"tab": "unassigned", "q": two.complaint.number}).content.decode()
    assert two.reference in text and one.reference not in text
    breached = client.get(QUEUE, {"tab": "unassigned", "urgency": "breached"}).content.decode()
    assert one.reference not in breached


def test_missing_documents_filter(as_user, now):
    agent = agent_with()
    ticket = received_ticket()  # infringement asks for written proof of withdrawal
    text = as_user(agent).get(QUEUE, {"tab": "unassigned", "missing": "1"}).content.decode()
    assert ticket.reference in text


def test_my_tab_lists_what_i_claimed(as_user, now):
    agent = agent_with()
    ticket = received_ticket()
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    assert ticket.reference in as_user(agent).get(QUEUE).content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_queue_page_runs_a_fixed_number_of_queries(as_user, now, rows, django_assert_num_queries):
    supervisor = person(SUPERVISOR)
    for _ in range(rows):
        received_ticket()
    client = as_user(supervisor)
    client.get(QUEUE + f"?tab=all&size={rows}")  # warm caches (sessions, content types)
    with django_assert_num_queries(QUERIES_PER_QUEUE_PAGE):
        page = client.get(QUEUE + f"?tab=all&size={rows}")
    assert page.content.decode().count('data-reference="') == rows


QUERIES_PER_QUEUE_PAGE = 25


def _cursor(*parts) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(0, "2026-11-24T10:00:00", 1),  # a time with no zone
        _cursor(0, None, 2**70),  # an id no column holds
        _cursor(10**30, None, 1),
        _cursor(0, "not a time", 1),
        "bm90IGpzb24",  # base64 of "not json"
        "%%%",
    ],
    ids=["naive-time", "huge-id", "huge-rank", "bad-time", "not-json", "not-base64"],
)
def test_a_forged_cursor_shows_the_first_page(as_user, now, cursor):
    ticket = received_ticket()
    response = as_user(person(SUPERVISOR)).get(QUEUE, {"tab": "all", "after": cursor})
    assert response.status_code == 200
    assert ticket.reference in response.content.decode()


@pytest.mark.parametrize("name", ["platform", "type", "stage", "special_case", "size"])
@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "١٢", "-1", "1e3", " 7"])
def test_a_filter_that_cannot_be_an_id_is_ignored(as_user, now, name, value):
    ticket = received_ticket()
    response = as_user(person(SUPERVISOR)).get(QUEUE, {"tab": "all", name: value})
    assert response.status_code == 200
    assert ticket.reference in response.content.decode()


def test_a_bulk_assignment_with_ids_that_cannot_be_ids_changes_nothing(as_user, now):
    ticket = received_ticket()
    response = as_user(person(SUPERVISOR)).post(
        reverse("workspace:bulk_assign"), {"ticket": ["²", "99999999999999999999999"], "agent": "١"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
