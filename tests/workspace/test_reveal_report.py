"""Supervisors see who revealed personal data, on which ticket, when and why; agents may not."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.accounts.roles import SUPERVISOR
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.workspace.conftest import agent_with, person, received_ticket, shanghai

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]
URL = "/workspace/reveals/"


def _named(name):
    agent = agent_with()
    agent.display_name = name
    agent.save(update_fields=["display_name"])
    return agent


def revealed(ticket, by, at, *, reason="to call", purpose="call_requester", field="requester_phone"):
    return event_record(
        ticket=ticket, kind=EventKind.PERSONAL_DATA_REVEALED, actor=by, to_value=field,
        data={"field": field, "purpose": purpose, "reason": reason}, occurred_at=at,
    )


def get(client, **params):
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_url_is_the_workspace_one():
    assert reverse("workspace:reveals") == URL


def test_a_supervisor_sees_the_report(as_user, now):
    supervisor = person(SUPERVISOR)
    agent = _named("Zhao Lei")
    ticket = received_ticket()
    revealed(ticket, agent, shanghai("2026-11-24 10:30"), reason="Requester asked for a call back.")

    response = get(as_user(supervisor))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Zhao Lei" in text and ticket.reference in text
    assert "Requester asked for a call back." in text
    assert "call the requester about this ticket" in text
    assert "2026-11-24 10:30" in text  # Beijing time


def test_an_agent_is_refused(as_user, now):
    assert get(as_user(agent_with())).status_code == 403


def test_a_stranger_is_sent_to_sign_in(client):
    response = get(client)
    assert response.status_code == 302 and "login" in response["Location"]


def test_filter_by_dates_in_beijing_time_and_by_agent(as_user, now):
    supervisor = person(SUPERVISOR)
    first, second = _named("First"), _named("Second")
    ticket = received_ticket()
    revealed(ticket, first, shanghai("2026-11-23 23:59"), reason="late on the 23rd")
    revealed(ticket, first, shanghai("2026-11-24 00:00"), reason="first minute of the 24th")
    revealed(ticket, second, shanghai("2026-11-25 23:59"), reason="last minute of the 25th")
    revealed(ticket, second, shanghai("2026-11-26 00:00"), reason="the 26th")
    client = as_user(supervisor)

    text = get(client, **{"from": "2026-11-24", "to": "2026-11-25"}).content.decode()
    assert "first minute of the 24th" in text and "last minute of the 25th" in text
    assert "late on the 23rd" not in text and "the 26th" not in text

    text = get(client, agent=str(second.pk)).content.decode()
    assert "last minute of the 25th" in text and "first minute of the 24th" not in text


def test_bad_filters_get_a_message(as_user, now):
    client = as_user(person(SUPERVISOR))
    response = get(client, **{"from": "24/11/2026", "to": "2026-11-01"})
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()
    response = get(client, **{"from": "2026-11-24", "to": "2026-11-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_pages_hold_fifty_with_a_fixed_number_of_queries(as_user, now, django_assert_num_queries):
    supervisor = person(SUPERVISOR)
    agents = [agent_with() for _ in range(3)]
    tickets = [received_ticket() for _ in range(3)]
    start = shanghai("2026-11-20 09:00")
    client = as_user(supervisor)
    get(client)  # warm the session and the permission caches

    revealed(tickets[0], agents[0], start)
    with django_assert_num_queries(QUERIES):
        get(client)
    for n in range(60):
        revealed(tickets[n % 3], agents[n % 3], start + timedelta(minutes=n + 1), reason=f"reason {n}")
    with django_assert_num_queries(QUERIES):
        text = get(client).content.decode()
    assert text.count('<td class="reason">') == 50
    assert "reason 59" in text and "Page 1 of 2" in text
    with django_assert_num_queries(QUERIES):
        second = get(client, page="2").content.decode()
    assert second.count('<td class="reason">') == 11


# session, user, its two permission look-ups, the count and the page of reveals (person and ticket
# joined), the people to filter by, the unread-notifications count: however many reveals there are.
QUERIES = 8


def test_the_csv_has_every_row_and_keeps_formulas_out(as_user, now):
    supervisor = person(SUPERVISOR)
    agent = _named("Zhao Lei")
    ticket = received_ticket()
    revealed(ticket, agent, shanghai("2026-11-24 10:30"), reason="=HYPERLINK(\"x\")")
    for n in range(55):
        revealed(ticket, agent, shanghai("2026-11-24 11:00") + timedelta(minutes=n), reason=f"call {n}")

    response = get(as_user(supervisor), format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["When", "Who", "Ticket", "Field", "Purpose", "Reason", "What", "Size (bytes)"]
    assert len(rows) == 1 + 56
    oldest = rows[-1]
    assert oldest[:3] == ["2026-11-24 10:30:00", "Zhao Lei", ticket.reference]
    assert oldest[5] == "'=HYPERLINK(\"x\")"


def test_the_csv_is_for_supervisors_only(as_user, now):
    assert get(as_user(agent_with()), format="csv").status_code == 403
