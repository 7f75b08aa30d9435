"""No notice, to a requester or to staff, shows a raw ISO moment or a raw count of minutes.

A moment that travelled through JSON arrives as ISO text: the renderer shows it local, as it shows a
datetime, and a span of time is humanized in the reader's language.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.roles import SUPERVISOR
from apps.casework.models import Notification, NotificationKind
from apps.casework.services import notification_message
from apps.notifications.catalog import NoticeEvent, sample_context
from apps.notifications.models import RequesterNotice
from apps.notifications.rendering import context_flatten
from apps.outbound.models import OutboundMessage
from apps.sla.tasks import notify_breach
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.casework.conftest import SHANGHAI, agent_with, person
from tests.factories import TeamFactory, TicketFactory
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db

RAW_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_MINUTES = re.compile(r"\b\d{3,} ?(分钟|min)")


def as_json(context: dict) -> dict:
    """The context as it reads back from a JSON column: every moment turned into its ISO text."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value for name, value in context.items()
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("event", list(NoticeEvent))
def test_no_notice_on_any_channel_shows_an_iso_moment(event, language, ticket, requester, now):
    requester.preferred_language = language
    requester.save(update_fields=["preferred_language"])
    notify(
        ticket, now("2026-11-24 10:00"), event=event, key=f"time:{event}",
        context=as_json(sample_context(event)) | {"reference": ticket.reference},
    )
    notice = RequesterNotice.objects.get(ticket=ticket)
    texts = [notice.title, notice.body]
    for message in OutboundMessage.objects.filter(ticket=ticket):
        texts += [message.subject, message.body, message.html_body, *map(str, message.sms_values.values())]
    assert texts and all(not RAW_ISO.search(text) for text in texts), [t for t in texts if RAW_ISO.search(t)]


def test_a_moment_from_json_reads_like_a_datetime_in_each_language():
    moment = datetime(2026, 12, 3, 10, 22, 43, 586546).astimezone(SHANGHAI)
    for language, local in (("zh-hans", "12月3日"), ("en", "3 Dec")):
        flat = context_flatten(
            {"due_at": moment.isoformat(), "when": moment, "left": timedelta(minutes=9508)},
            tz=SHANGHAI, language=language,
        )
        assert flat["due_at"] == flat["when"] and flat["due_at"].startswith(local)
    assert context_flatten({"left": timedelta(minutes=9508)}, tz=SHANGHAI, language="zh-hans") == {
        "left": "6 天 14 小时"
    }
    english = context_flatten({"left": timedelta(minutes=9508)}, tz=SHANGHAI, language="en")
    assert english == {"left": "6 d 14 h"}


def test_the_staff_deadline_notice_shows_local_time_on_the_page_and_in_words(client, now):
    agent = agent_with()
    ticket = TicketFactory(status="assigned", assignee=agent)
    notice = Notification.objects.create(
        recipient=agent, kind=NotificationKind.DEADLINE_SOON, ticket=ticket, dedupe_key="soon:1",
        data={"deadline": "decision", "due_at": "2026-12-03T10:22:43.586546+00:00"},
    )
    assert "2026-12-03 18:22" in notification_message(notice)  # no time zone given: the site's
    client.force_login(agent)
    page = client.get(reverse("workspace:notifications")).content.decode()
    assert "2026-12-03 18:22" in page
    assert not RAW_ISO.search(re.sub(r"<[^>]+>", " ", page))


def test_the_breach_email_gives_the_local_moment_not_iso(now):
    agent = agent_with(email="agent@example.com")
    lead = person(SUPERVISOR, email="lead@example.com", preferred_language="zh-hans")
    ticket = TicketFactory(status="assigned", assignee=agent, team=TeamFactory(supervisor=lead))
    key = f"breach:first_contact:{ticket.pk}"
    event_record(
        ticket=ticket, kind=EventKind.DEADLINE_BREACHED, to_value="first_contact",
        data={"deadline": "first_contact"}, dedupe_key=key,
        occurred_at=datetime.fromisoformat("2026-11-24T13:30:00+08:00"),
    )
    assert notify_breach(key) is True
    bodies = {tuple(message.to): message.subject + "\n" + message.body for message in mail.outbox}
    assert "at 2026-11-24 13:30" in bodies[("agent@example.com",)]  # the agent reads English
    assert "于 2026-11-24 13:30" in bodies[("lead@example.com",)]  # the supervisor Chinese
    assert all(not RAW_ISO.search(body) and not RAW_MINUTES.search(body) for body in bodies.values())
