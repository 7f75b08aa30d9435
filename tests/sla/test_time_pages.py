"""Every page that shows a deadline reads it the same way: its state, humanized, never a raw clock.

Each state is walked on the case page, the queue, the requester's list and the requester's ticket
page, in the time the domain clock is frozen at (tests/casework/conftest.py `now`).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.accounts.roles import SUPERVISOR
from apps.sla.selectors import clock_preview
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.casework.conftest import agent_with, now, person, received_ticket, shanghai  # noqa: F401
from tests.factories import RequesterFactory

pytestmark = pytest.mark.django_db

NOW = shanghai("2026-11-24 10:00")
# What must never reach a reader: ISO moments, clock countdowns, minutes past an hour.
RAW_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_CLOCK = re.compile(r"\b\d+:\d{2}:\d{2}\b")
RAW_MINUTES = re.compile(r"\b\d{3,} ?(分钟|min)")


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags, attributes, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@dataclass(frozen=True)
class Scenario:
    name: str
    status: str
    fields: dict
    # kind → (Chinese, English) phrase expected wherever that deadline is shown
    expected: dict[str, tuple[str, str, str]]


SCENARIOS = [
    Scenario(
        "running",
        TicketStatus.RECEIVED,
        {
            "first_contact_due_at": NOW + timedelta(hours=3, minutes=12, seconds=30),
            "decision_due_at": NOW + timedelta(days=2, hours=3, seconds=30),
        },
        {
            "first_contact": ("剩余 3 小时 12 分钟", "3 h 12 min left", "running"),
            "decision": ("剩余 2 天 3 小时", "2 d 3 h left", "running"),
        },
    ),
    Scenario(
        "paused",
        TicketStatus.WAITING_ON_REQUESTER,
        {
            "waiting_since": NOW - timedelta(hours=30),
            "decision_due_at": NOW - timedelta(hours=30) + timedelta(days=2, hours=3),
            "first_contact_due_at": NOW - timedelta(hours=29),
            "first_contact_at": NOW - timedelta(hours=29, minutes=10),
        },
        {
            "decision": ("已暂停，剩余 2 天 3 小时", "Paused, 2 d 3 h left", "paused"),
            "first_contact": ("按时完成", "Done on time", "met_on_time"),
        },
    ),
    Scenario(
        "missed and met late",
        TicketStatus.RECEIVED,
        {
            "decision_due_at": NOW - timedelta(hours=3, seconds=30),
            "decision_breached_at": NOW - timedelta(hours=3, seconds=30),
            "first_contact_due_at": NOW - timedelta(minutes=100),
            "first_contact_at": NOW - timedelta(minutes=15),
            "first_contact_breached_at": NOW - timedelta(minutes=100),
        },
        {
            "decision": ("已超时 3 小时", "Overdue by 3 h", "missed"),
            "first_contact": ("已完成（晚 1 小时 25 分钟）", "Done (1 h 25 min late)", "met_late"),
        },
    ),
    Scenario(
        "decided",
        TicketStatus.REFUSED,
        {
            "decided_at": NOW - timedelta(hours=1),
            "decision_due_at": NOW + timedelta(days=1),
            "first_contact_due_at": NOW + timedelta(hours=2),
        },
        {
            "decision": ("按时完成", "Done on time", "met_on_time"),
            "first_contact": ("不再适用", "No longer applies", "not_applicable"),
        },
    ),
]
# Which deadlines each page shows, for an open ticket and for a closed one.
PAGES = {
    "case": ({"first_contact", "decision"}, {"first_contact", "decision"}),
    "queue": ({"first_contact", "decision"}, set()),
    "portal_list": ({"decision"}, set()),
    "portal_detail": ({"first_contact", "decision"}, {"first_contact", "decision"}),
}


def make(scenario: Scenario) -> WithdrawalTicket:
    ticket = received_ticket(requester=RequesterFactory())
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(status=scenario.status, **scenario.fields)
    return WithdrawalTicket.objects.get(pk=ticket.pk)


def page(client, name: str, ticket: WithdrawalTicket, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if name in ("case", "queue"):
        client.force_login(person(SUPERVISOR))
        url = reverse("workspace:case", args=[ticket.reference]) if name == "case" else "/workspace/?tab=all"
    else:
        client.force_login(ticket.requester)
        url = (
            reverse("portal:my_tickets")
            if name == "portal_list"
            else reverse("portal:ticket_detail", args=[ticket.reference])
        )
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_state_reads_the_same_on_every_page(client, now, scenario, name, language):  # noqa: F811
    now(NOW)
    ticket = make(scenario)
    html = page(client, name, ticket, language)
    text = visible_text(html)
    shown = PAGES[name][0 if ticket.is_open else 1]
    for kind in shown:
        zh, en, state = scenario.expected[kind]
        words = zh if language == "zh-hans" else en
        assert words in text, (kind, text[-3000:])
        # In a <time> with the machine moment, the exact local time as its title, and its state;
        # only a running one is handed to the live countdown (static/js/deadlines.js).
        assert re.search(
            r'<time class="deadline[^"]*" datetime="2026-\d\d-\d\dT[^"]+"'
            r' title="[^"]*2026-\d\d-\d\d \d\d:\d\d[^"]*"'
            rf' data-deadline="{state}">{re.escape(words)}</time>',
            html,
        ), (kind, state)
    assert not RAW_ISO.search(text), RAW_ISO.search(text)
    assert not RAW_CLOCK.search(text), RAW_CLOCK.search(text)
    assert not RAW_MINUTES.search(text), RAW_MINUTES.search(text)


def test_a_paused_deadline_is_never_also_expired(client, now):  # noqa: F811
    now(NOW)
    scenario = SCENARIOS[1]
    ticket = make(scenario)
    # Long after the stored moment: still paused, with the time left when the wait began.
    now(NOW + timedelta(days=10))
    text = visible_text(page(client, "portal_detail", ticket, "zh-hans"))
    assert "已暂停，剩余 2 天 3 小时" in text
    assert "已过期" not in text and "已超时" not in text.split("处理决定")[-1][:40]


def test_a_fresh_submission_whose_first_hours_passed_says_so_plainly(client, now):  # noqa: F811
    now(NOW)
    late = received_ticket(
        filed="2026-11-24 03:00", submitted="2026-11-24 09:45", requester=RequesterFactory()
    )
    html = page(client, "portal_detail", late, "en")
    assert "These first hours were over before your request reached customer service" in visible_text(html)
    assert "Contact customer service by 07:00" not in html


def test_the_preview_explains_first_hours_already_over_instead_of_a_deadline_in_the_past(now):  # noqa: F811
    with translation.override("en"):
        preview = clock_preview(
            platform_code="wechat", complaint_type_code="infringement",
            complaint_filed_at=shanghai("2026-11-24 10:44") - timedelta(hours=6),
            submitted_at=shanghai("2026-11-24 10:44"),
        )
    steps = " ".join(preview.next_steps)
    assert "The first 4 hours after the complaint" in steps
    assert "ended at 2026-11-24 08:44" in steps
    assert "Contact customer service before" not in steps


def test_the_preview_still_gives_the_first_contact_moment_while_it_is_ahead(now):  # noqa: F811
    with translation.override("en"):
        preview = clock_preview(
            platform_code="wechat", complaint_type_code="infringement",
            complaint_filed_at=shanghai("2026-11-24 10:00"), submitted_at=shanghai("2026-11-24 10:44"),
        )
    steps = " ".join(preview.next_steps)
    assert "Contact customer service before 2026-11-24 14:00" in steps
    assert "The first 4 hours after the complaint" not in steps
