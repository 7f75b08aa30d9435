"""The queue's poll: what arrived in my tab and filters since the page was drawn, which rows changed."""

import pytest

from apps.accounts.roles import REQUESTER, SUPERVISOR
from apps.casework.services import ticket_assign, ticket_claim
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = pytest.mark.django_db
LIVE = "/workspace/live/queue/"
DRAWN = shanghai("2026-11-24 10:00")


def poll(client, *, shown=(), since=DRAWN, language="en", **filters):
    params = {"since": since.isoformat(), "shown": ",".join(shown), **filters}
    return client.get(LIVE, params, HTTP_ACCEPT_LANGUAGE=language)


def row(ticket):
    return f"{ticket.pk}:{ticket.version}"


def test_a_ticket_received_after_the_page_was_drawn_is_new(as_user, now):
    agent = agent_with()
    shown = received_ticket(submitted="2026-11-24 09:45")
    now(shanghai("2026-11-24 10:05"))
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")

    answer = poll(as_user(agent), shown=[row(shown)], tab="unassigned")

    assert answer.status_code == 200
    assert answer.json()["arrived"] == 1
    assert answer.json()["changed"] == []
    assert answer.json()["text"] == "1 new ticket"
    assert answer["Cache-Control"] == "private, no-store"


def test_the_poll_brings_each_tab_s_count_as_the_page_draws_it(as_user, now):
    agent = agent_with()
    mine = received_ticket(submitted="2026-11-24 09:45")
    ticket_claim(ticket_id=mine.pk, agent=agent)
    received_ticket(submitted="2026-11-24 09:50")
    client = as_user(agent)
    now(shanghai("2026-11-24 10:05"))
    before = poll(client, tab="unassigned").json()["counts"]
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")

    after = poll(client, tab="unassigned").json()["counts"]

    assert (before["mine"], before["unassigned"]) == ("1", "1")
    assert (after["mine"], after["unassigned"]) == ("1", "2")
    page = client.get("/workspace/", {"tab": "unassigned"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for tab, count in after.items():
        assert f'<span class="count" data-tab="{tab}">{count}</span>' in page


def test_the_banner_speaks_chinese_on_a_chinese_page(as_user, now):
    agent = agent_with()
    now(shanghai("2026-11-24 10:05"))
    for minute in (1, 2, 3):
        received_ticket(filed="2026-11-24 10:00", submitted=f"2026-11-24 10:0{minute}")

    answer = poll(as_user(agent), tab="unassigned", language="zh-hans")

    assert answer.json()["text"] == "有 3 张新工单"


def test_tickets_drawn_before_or_shown_are_not_new(as_user, now):
    agent = agent_with()
    before = received_ticket(submitted="2026-11-24 09:45")  # received before the page was drawn
    now(shanghai("2026-11-24 10:05"))
    shown_late = received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:04")

    answer = poll(as_user(agent), shown=[row(shown_late)], tab="unassigned").json()

    assert answer["arrived"] == 0
    assert answer["text"] == ""
    assert str(before.pk) not in answer["versions"]  # only the shown rows are reported


def test_only_tickets_of_the_current_tab_and_filters_count(as_user, now):
    agent = agent_with(platforms=("wechat", "alipay"))
    now(shanghai("2026-11-24 10:05"))
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05", platform_code="alipay")
    wechat = received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")
    client = as_user(agent)
    wechat_id = str(wechat.platform_id)

    assert poll(client, tab="unassigned").json()["arrived"] == 2
    assert poll(client, tab="unassigned", platform=wechat_id).json()["arrived"] == 1
    assert poll(client, tab="mine").json()["arrived"] == 0


def test_a_ticket_outside_my_platforms_never_counts(as_user, now):
    agent = agent_with(platforms=("alipay",))
    now(shanghai("2026-11-24 10:05"))
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")  # wechat

    assert poll(as_user(agent), tab="unassigned").json()["arrived"] == 0


def test_a_ticket_a_supervisor_gives_me_is_new_in_my_tab(as_user, now):
    agent = agent_with()
    supervisor = person(SUPERVISOR)
    ticket = received_ticket(submitted="2026-11-24 09:45")  # received before the page
    now(shanghai("2026-11-24 10:07"))
    ticket_assign(ticket_id=ticket.pk, agent=agent, actor=supervisor)

    assert poll(as_user(agent), tab="mine").json()["arrived"] == 1


def test_a_shown_row_claimed_by_someone_else_is_reported_changed(as_user, now):
    me, colleague = agent_with(), agent_with()
    taken = received_ticket(submitted="2026-11-24 09:40")
    kept = received_ticket(submitted="2026-11-24 09:45")
    shown = [row(taken), row(kept)]
    now(shanghai("2026-11-24 10:03"))
    ticket_claim(ticket_id=taken.pk, agent=colleague)

    answer = poll(as_user(me), shown=shown, tab="unassigned").json()

    assert answer["changed"] == [taken.pk]  # it left the unassigned list
    assert answer["arrived"] == 0
    assert answer["text"] == "1 ticket on this page changed"


def test_a_shown_row_whose_version_moved_is_reported_changed(as_user, now):
    supervisor = person(SUPERVISOR)
    ticket = received_ticket()
    shown = [row(ticket)]
    ticket_claim(ticket_id=ticket.pk, agent=agent_with())

    answer = poll(as_user(supervisor), shown=shown, tab="all").json()

    assert answer["changed"] == [ticket.pk]
    assert answer["versions"] == {str(ticket.pk): ticket.version + 1}


def test_a_row_sent_without_a_version_learns_it_without_being_changed(as_user, now):
    supervisor = person(SUPERVISOR)
    ticket = received_ticket()

    answer = poll(as_user(supervisor), shown=[str(ticket.pk)], tab="all").json()

    assert answer["changed"] == []
    assert answer["versions"] == {str(ticket.pk): ticket.version}


def test_an_agents_all_tab_counts_only_what_they_may_see(as_user, now):
    agent = agent_with(platforms=("alipay",))
    now(shanghai("2026-11-24 10:05"))
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")  # wechat: not theirs
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05", platform_code="alipay")

    assert poll(as_user(agent), tab="all").json()["arrived"] == 1


def test_a_search_page_is_left_alone(as_user, now):
    agent = agent_with()
    found = received_ticket(submitted="2026-11-24 09:45")
    now(shanghai("2026-11-24 10:05"))
    received_ticket(filed="2026-11-24 10:00", submitted="2026-11-24 10:05")

    answer = poll(as_user(agent), shown=[row(found)], tab="all", q=found.reference).json()

    assert (answer["arrived"], answer["changed"], answer["text"]) == (0, [], "")


@pytest.mark.parametrize(("since", "shown", "field"), [
    ("", "", "since"),
    ("yesterday", "", "since"),
    ("2026-11-24T10:00:00", "", "since"),  # no offset: which 10:00?
    (DRAWN.isoformat(), "12:x", "shown"),
    (DRAWN.isoformat(), "abc", "shown"),
    (DRAWN.isoformat(), ",".join(str(n) for n in range(1, 300)), "shown"),
])
def test_a_poll_that_cannot_be_read_gets_a_clear_message(as_user, since, shown, field):
    answer = as_user(agent_with()).get(LIVE, {"since": since, "shown": shown}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert "reload" in answer.json()["message"]


def test_a_signed_out_page_gets_403_to_stop_on(client):
    answer = poll(client)
    assert answer.status_code == 403
    assert answer.json()["message"] == "You are signed out: reload the page."


def test_a_requester_is_refused(as_user):
    assert poll(as_user(person(REQUESTER))).status_code == 403


def test_posting_is_not_polling(as_user):
    assert as_user(agent_with()).post(LIVE, {"since": DRAWN.isoformat()}).status_code == 405


# session, user, perms ×2, agent profile (default tab), the scope (profile, platforms), the tab's team,
# the poll's own two reads, and the tabs' counts (the scope and team again, one bounded count per
# tab). An upper bound: queue_queryset is the queue's to change.
QUERIES_PER_QUEUE_POLL = 17


def test_a_poll_runs_a_fixed_number_of_queries(as_user, now, django_assert_max_num_queries):
    agent = agent_with()
    tickets = [received_ticket() for _ in range(40)]
    client = as_user(agent)
    counts = []
    for shown in ([row(tickets[0])], [row(ticket) for ticket in tickets]):
        with django_assert_max_num_queries(QUERIES_PER_QUEUE_POLL) as queries:
            answer = poll(client, shown=shown, tab="unassigned")
        assert answer.json()["changed"] == []
        counts.append(len(queries))
    assert counts[0] == counts[1]  # 40 rows shown cost what one does
