"""Notices in the app and by e-mail: deadlines within the hour once per deadline, breaches, reading."""

from datetime import datetime, timedelta

import pytest
from django.core import mail

from apps.casework.models import Notification, NotificationKind
from apps.casework.selectors import notifications_for, notifications_unread_count
from apps.casework.services import (
    notification_create,
    notification_emails_send,
    notification_mark_read,
    notification_message,
    notifications_deadline_soon,
    notifications_for_breaches,
    notifications_mark_all_read,
    ticket_claim,
    ticket_contact_log,
    ticket_evidence_request,
)
from apps.casework.tasks import breach_notices, deadline_soon
from apps.core.errors import ApplicationError
from apps.sla.sweep import clock_sweep
from tests.casework.conftest import agent_with, received_ticket, shanghai
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(now):
    """Filed 09:30, received 09:45: first contact due 13:30, decision due 27 Nov 09:45 (WeChat)."""
    agent = agent_with(email="li@example.com")
    ticket = received_ticket()
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


def soon_notices(ticket):
    return list(Notification.objects.filter(ticket=ticket, kind=NotificationKind.DEADLINE_SOON))


@pytest.mark.parametrize(
    ("at", "told"),
    [
        ("2026-11-24 12:29:59", False),
        ("2026-11-24 12:30", True),
        ("2026-11-24 13:29:59", True),
        ("2026-11-24 13:30", False),
    ],
)
def test_the_first_contact_deadline_is_told_in_its_last_hour(held, at, told):
    notifications_deadline_soon(now=shanghai(at))
    assert len(soon_notices(held)) == int(told)


def test_a_deadline_is_told_once_however_often_the_job_runs(
    held, eager_tasks, django_capture_on_commit_callbacks
):
    for minute in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            notifications_deadline_soon(now=shanghai("2026-11-24 12:45") + timedelta(minutes=minute))
    [notice] = soon_notices(held)
    assert notice.recipient == held.assignee
    assert notice.data["deadline"] == "first_contact"
    assert len(mail.outbox) == 1
    assert "first contact deadline is at 2026-11-24 13:30" in mail.outbox[0].body


def test_no_first_contact_notice_once_contact_is_made(held):
    ticket_contact_log(ticket_id=held.pk, agent=held.assignee, channel="phone")
    notifications_deadline_soon(now=shanghai("2026-11-24 13:00"))
    assert soon_notices(held) == []


def test_the_decision_deadline_is_told_and_not_while_paused(held):
    ticket_contact_log(ticket_id=held.pk, agent=held.assignee, channel="phone")
    notifications_deadline_soon(now=shanghai("2026-11-27 09:00"))
    [notice] = soon_notices(held)
    assert notice.data["deadline"] == "decision"
    assert datetime.fromisoformat(notice.data["due_at"]) == shanghai("2026-11-27 09:45")
    other = received_ticket()
    ticket_claim(ticket_id=other.pk, agent=held.assignee)
    ticket_contact_log(ticket_id=other.pk, agent=held.assignee, channel="phone")
    ticket_evidence_request(ticket_id=other.pk, agent=held.assignee, message="Add the legal documents.")
    notifications_deadline_soon(now=shanghai("2026-11-27 09:00"))
    assert soon_notices(other) == []


def test_a_moved_deadline_is_a_new_deadline(held):
    notifications_deadline_soon(now=shanghai("2026-11-24 13:00"))
    held.first_contact_due_at = shanghai("2026-11-24 13:50")
    held.save(update_fields=["first_contact_due_at"])
    notifications_deadline_soon(now=shanghai("2026-11-24 13:01"))
    assert len(soon_notices(held)) == 2


def test_the_job_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    agent = agent_with()
    for _ in range(10):
        ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    with django_assert_max_num_queries(4):
        assert notifications_deadline_soon(now=shanghai("2026-11-24 13:00")) == 10


def test_breaches_become_notices_for_the_agent_and_the_supervisor(held, supervisor):
    held.team = TeamFactory(supervisor=supervisor)
    held.save(update_fields=["team"])
    clock_sweep(now=shanghai("2026-11-24 13:31"))
    assert notifications_for_breaches(now=shanghai("2026-11-24 13:32")) == 2
    notifications_for_breaches(now=shanghai("2026-11-24 13:33"))
    notices = Notification.objects.filter(kind=NotificationKind.BREACHED)
    assert sorted(n.recipient_id for n in notices) == sorted([held.assignee_id, supervisor.pk])
    assert all(n.data["deadline"] == "first_contact" for n in notices)
    assert all(n.emailed_at is None for n in notices)  # the clock e-mails breaches itself


def test_the_tasks_run_the_jobs(held, now):
    now(shanghai("2026-11-24 13:00"))
    assert deadline_soon() == 1
    now(shanghai("2026-11-24 13:35"))
    clock_sweep(now=shanghai("2026-11-24 13:31"))
    assert breach_notices() == 1


def test_an_email_is_sent_once_in_the_recipients_language(held):
    held.assignee.preferred_language = "zh-hans"
    held.assignee.save()
    notice = notification_create(
        recipient=held.assignee, kind=NotificationKind.ASSIGNED, ticket=held, dedupe_key="x", email=False
    )
    assert (
        notification_create(
            recipient=held.assignee, kind=NotificationKind.ASSIGNED, ticket=held, dedupe_key="x"
        )
        is None
    )
    assert notification_emails_send(notification_ids=[notice.pk]) == 1
    assert notification_emails_send(notification_ids=[notice.pk]) == 0
    assert len(mail.outbox) == 1
    assert held.reference in mail.outbox[0].body


def test_notices_are_listed_newest_first_and_marked_read(held):
    agent = held.assignee
    for key in ("a", "b"):
        notification_create(
            recipient=agent, kind=NotificationKind.ASSIGNED, ticket=held, dedupe_key=key, email=False
        )
    assert notifications_unread_count(user=agent) == 2  # claiming a ticket tells nobody
    latest = notifications_for(user=agent)[0]
    assert latest.dedupe_key == "b"
    assert notification_message(latest) == f"Ticket {held.reference} has been assigned to you."
    notification_mark_read(notification_id=latest.pk, user=agent)
    assert notifications_unread_count(user=agent) == 1
    with pytest.raises(ApplicationError):
        notification_mark_read(notification_id=latest.pk, user=agent_with())
    assert notifications_mark_all_read(user=agent) == 1
    assert notifications_unread_count(user=agent) == 0
