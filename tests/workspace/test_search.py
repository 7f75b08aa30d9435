"""Search finds a ticket by anything a person remembers of it, in every ticket the viewer may see."""

import pytest
from django.db import connection

from apps.accounts.roles import SUPERVISOR
from apps.conversation.models import AuthorRole, Message, MessageKind
from apps.tickets.models import Letter, TicketStatus, WithdrawalTicket
from apps.workspace.search import like_pattern, ticket_search
from tests.factories import RequesterFactory
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = pytest.mark.django_db
QUEUE = "/workspace/"


@pytest.fixture
def as_user(as_english_user):
    """These pages are read in English (the workspace is Chinese by default)."""
    return as_english_user


@pytest.fixture
def agent():
    return agent_with(platforms=("wechat",))


def found(user, term):
    tickets, _candidates = ticket_search(user=user, term=term)
    return set(tickets.values_list("pk", flat=True))


def test_by_ticket_and_complaint_number_whole_or_in_part(agent):
    ticket, other = received_ticket(), received_ticket()
    assert found(agent, ticket.reference) == {ticket.pk}
    assert found(agent, ticket.reference[2:7].lower()) >= {ticket.pk}
    assert found(agent, ticket.complaint.number) == {ticket.pk}
    assert other.pk not in found(agent, ticket.complaint.number)


def test_by_the_requesters_name_and_the_last_four_digits_of_their_phone(agent):
    requester = RequesterFactory(display_name="王小明", phone="13912345678")
    ticket = received_ticket(requester=requester)
    received_ticket()
    assert found(agent, "王小明") == {ticket.pk}
    assert found(agent, "5678") == {ticket.pk}
    assert found(agent, "小明") == set()  # two characters: whole names only, never inside texts


def test_by_letter_respondent_and_message_text_in_chinese_and_english(agent):
    ticket, other = received_ticket(), received_ticket()
    Letter.objects.update_or_create(
        ticket=ticket,
        defaults={"body": "本人因误会投诉了商家，现已与商家和解，申请撤回。", "respondent": "星辰数码旗舰店"},
    )
    Message.objects.create(
        ticket=other, kind=MessageKind.MESSAGE, author_role=AuthorRole.REQUESTER, author=other.requester,
        body="The settlement agreement is attached.", created_at=shanghai("2026-11-24 10:00"),
    )
    assert found(agent, "与商家和解") == {ticket.pk}
    assert found(agent, "星辰数码") == {ticket.pk}
    assert found(agent, "SETTLEMENT agreement") == {other.pk}


def test_finds_closed_tickets_too(agent):
    ticket = received_ticket()
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.APPROVED)
    assert found(agent, ticket.reference) == {ticket.pk}


def test_never_finds_what_the_viewer_may_not_see(agent):
    elsewhere = received_ticket(platform_code="taobao")
    assert found(agent, elsewhere.reference) == set()
    assert found(person(SUPERVISOR), elsewhere.reference) == {elsewhere.pk}


def test_wildcards_in_the_term_are_taken_literally(agent):
    ticket = received_ticket()
    Letter.objects.update_or_create(ticket=ticket, defaults={"body": "退款 100% 已到账"})
    assert found(agent, "100%") == {ticket.pk}
    assert found(agent, "%%%") == set()
    assert found(agent, "___") == set()
    assert like_pattern("a_b%c\\") == "%a\\_b\\%c\\\\%"


def test_the_queue_page_searches_across_tabs_and_says_so(as_user, agent):
    ticket = received_ticket()
    text = as_user(agent).get(QUEUE, {"tab": "mine", "q": ticket.complaint.number}).content.decode()
    assert ticket.reference in text  # unassigned, yet found from "mine"
    assert "in every ticket you may see" in text


def test_a_search_page_costs_the_same_whatever_it_finds(as_user, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tickets = [received_ticket() for _ in range(30)]
    client = as_user(agent)
    client.get(QUEUE, {"q": "WX2026"})  # warm caches (sessions, content types)
    costs = []
    for term in (tickets[0].reference, "WX2026"):  # one ticket found, then thirty (complaint numbers)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(QUEUE, {"q": term}).content.decode()
        costs.append(len(queries))
        assert page.count('data-reference="') == (1 if term != "WX2026" else 30)
    assert costs[0] == costs[1]


def test_the_trigram_indexes_exist():  # the suite runs on PostgreSQL
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"search_letter_body_trgm", "search_message_body_trgm", "search_user_display_name_trgm"} <= names
    # The phone number is encrypted at rest: its last four digits are found by their keyed hash.
    assert "search_user_phone_trgm" not in names
