"""The case page's poll: the ticket's version, new messages, and who else has the case open."""

from datetime import timedelta

import pytest
from django.test import override_settings

from apps.accounts.roles import REQUESTER, SUPERVISOR
from apps.casework.services import ticket_claim
from apps.conversation.models import AuthorRole
from apps.conversation.services import message_post, note_post
from apps.workspace.presence import PRESENCE_TTL
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = pytest.mark.django_db


def live(ticket):
    return f"/workspace/live/case/{ticket.reference}/"


def poll(client, ticket, *, version=None, after=0, language="en"):
    version = ticket.version if version is None else version
    return client.get(live(ticket), {"version": version, "after": after}, HTTP_ACCEPT_LANGUAGE=language)


def named_agent(name, **kwargs):
    agent = agent_with(**kwargs)
    agent.display_name = name
    agent.save(update_fields=["display_name"])
    return agent


def test_an_unchanged_ticket_answers_its_version(as_user):
    ticket = received_ticket()
    answer = poll(as_user(agent_with()), ticket)
    assert answer.status_code == 200
    assert answer.json()["version"] == ticket.version
    assert answer.json()["changed"] is False
    assert answer["Cache-Control"] == "private, no-store"


def test_a_ticket_claimed_meanwhile_is_changed(as_user):
    ticket = received_ticket()
    drawn = ticket.version
    ticket_claim(ticket_id=ticket.pk, agent=agent_with())
    answer = poll(as_user(agent_with()), ticket, version=drawn).json()
    assert answer["changed"] is True
    assert answer["version"] == drawn + 1


def test_a_new_message_is_counted_after_the_newest_shown(as_user):
    ticket = received_ticket()
    agent = agent_with()
    ticket_claim(ticket_id=ticket.pk, agent=agent)
    first = message_post(
        ticket_id=ticket.pk, author=ticket.requester, role=AuthorRole.REQUESTER, body="您好，请问进展？"
    )
    note = note_post(ticket_id=ticket.pk, author=agent, body="已电话联系")
    client = as_user(person(SUPERVISOR))

    answer = poll(client, ticket, after=first.pk).json()

    assert answer["newest_message"] == note.pk
    assert answer["new_messages"] == 1  # notes too: staff see them in the thread
    assert answer["messages_text"] == "1 new message"
    assert poll(client, ticket, after=first.pk, language="zh-hans").json()["messages_text"] == "1 条新消息"
    assert poll(client, ticket, after=note.pk).json()["messages_text"] == ""


def test_an_agent_who_may_not_see_the_ticket_gets_404(as_user):
    ticket = received_ticket()  # wechat
    assert poll(as_user(agent_with(platforms=("alipay",))), ticket).status_code == 404


def test_a_requester_is_refused_even_for_their_own_ticket(as_user):
    requester = person(REQUESTER)
    ticket = received_ticket(requester=requester)
    assert poll(as_user(requester), ticket).status_code == 403


def test_a_signed_out_page_gets_403_to_stop_on(client):
    assert poll(client, received_ticket()).status_code == 403


def test_two_agents_on_one_case_see_each_other(as_user, client, django_user_model):
    ticket = received_ticket()
    li_na, wang = named_agent("李娜"), named_agent("王强")

    client.force_login(li_na)
    assert poll(client, ticket).json()["viewers"] == []  # nobody else yet
    client.force_login(wang)
    answer = poll(client, ticket, language="zh-hans").json()
    client.force_login(li_na)
    back = poll(client, ticket).json()

    assert answer["viewers"] == ["李娜"]
    assert answer["viewers_text"] == "李娜 也在查看此工单"
    assert back["viewers"] == ["王强"]
    assert back["viewers_text"] == "王强 is also viewing"


def test_three_viewers_are_listed_together(as_user, client):
    ticket = received_ticket()
    people = [named_agent(name) for name in ("李娜", "王强", "张伟")]
    for person_ in people:
        client.force_login(person_)
        answer = poll(client, ticket, language="zh-hans").json()
    assert answer["viewers_text"] == "李娜、王强 也在查看此工单"


def test_a_viewer_is_gone_after_the_ttl(client, now):
    ticket = received_ticket()
    li_na, wang = named_agent("李娜"), named_agent("王强")
    start = shanghai("2026-11-24 10:00")

    now(start)
    client.force_login(li_na)
    poll(client, ticket)
    client.force_login(wang)
    now(start + timedelta(seconds=PRESENCE_TTL - 1))
    assert poll(client, ticket).json()["viewers"] == ["李娜"]
    now(start + timedelta(seconds=PRESENCE_TTL + 1))
    assert poll(client, ticket).json()["viewers"] == []


def test_a_closed_page_leaves_at_once(client):
    ticket = received_ticket()
    li_na, wang = named_agent("李娜"), named_agent("王强")
    client.force_login(li_na)
    poll(client, ticket)
    assert client.post(live(ticket) + "leave/").status_code == 204
    client.force_login(wang)
    assert poll(client, ticket).json()["viewers"] == []


def test_presence_is_per_ticket(client):
    one, other = received_ticket(), received_ticket()
    client.force_login(named_agent("李娜"))
    poll(client, one)
    client.force_login(named_agent("王强"))
    assert poll(client, other).json()["viewers"] == []


def test_without_the_cache_the_page_still_answers_with_nobody(client, caplog):
    ticket = received_ticket()
    client.force_login(named_agent("李娜"))
    closed_port = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    }}
    with override_settings(CACHES=closed_port):
        answer = poll(client, ticket)
        leave = client.post(live(ticket) + "leave/")
    assert answer.status_code == 200
    assert answer.json()["viewers"] == []
    assert answer.json()["changed"] is False
    assert leave.status_code == 204
    assert "the cache is unavailable" in caplog.text


QUERIES_PER_CASE_POLL = 9  # session, user, perms ×2, scope (profile, platforms), ticket, thread


def test_a_case_poll_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    ticket = received_ticket()
    client.force_login(agent_with())
    counts = []
    for _round in range(2):
        with django_assert_max_num_queries(QUERIES_PER_CASE_POLL) as queries:
            poll(client, ticket)
        counts.append(len(queries))
        for number in range(15):
            message_post(
                ticket_id=ticket.pk, author=ticket.requester, role=AuthorRole.REQUESTER, body=f"第{number}条"
            )
    assert counts[0] == counts[1]  # fifteen messages more cost nothing
