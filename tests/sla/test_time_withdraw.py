"""A deadline notice is withdrawn when the ticket is decided, or the deadline met, before it is read."""

import pytest
from django.core import mail

from apps.casework.models import Notification, NotificationKind
from apps.casework.services import (
    notifications_deadline_soon,
    notifications_for_breaches,
    ticket_claim,
    ticket_contact_log,
    ticket_evidence_request,
    ticket_refuse,
)
from apps.sla.sweep import clock_sweep
from apps.sla.tasks import notify_breach
from tests.casework.conftest import agent_with, now, received_ticket, shanghai  # noqa: F401
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(now):  # noqa: F811
    """Filed 09:30, received 09:45: first contact due 13:30, decision due 27 Nov 09:45 (WeChat)."""
    agent = agent_with(email="li@example.com")
    ticket = ticket_claim(ticket_id=received_ticket().pk, agent=agent)
    ticket.team = TeamFactory(supervisor=agent_with(email="lead@example.com"))
    ticket.save(update_fields=["team"])
    return ticket


def notices(ticket, kind):
    return list(Notification.objects.filter(ticket=ticket, kind=kind))


def test_a_first_contact_notice_goes_when_the_contact_is_made_before_it_is_read(held, now):  # noqa: F811
    notifications_deadline_soon(now=shanghai("2026-11-24 12:40"))
    assert len(notices(held, NotificationKind.DEADLINE_SOON)) == 1
    now(shanghai("2026-11-24 12:50"))
    ticket_contact_log(ticket_id=held.pk, agent=held.assignee, channel="phone")
    assert notices(held, NotificationKind.DEADLINE_SOON) == []


def test_a_read_notice_stays_read_history(held, now):  # noqa: F811
    notifications_deadline_soon(now=shanghai("2026-11-24 12:40"))
    Notification.objects.filter(ticket=held).update(read_at=shanghai("2026-11-24 12:41"))
    now(shanghai("2026-11-24 12:50"))
    ticket_contact_log(ticket_id=held.pk, agent=held.assignee, channel="phone")
    assert len(notices(held, NotificationKind.DEADLINE_SOON)) == 1


def test_a_ticket_decided_right_after_its_breach_is_not_told_as_breached(held, now, mailoutbox):  # noqa: F811
    result = clock_sweep(now=now(shanghai("2026-11-24 13:31")))
    assert result.breach_event_keys == [f"breach:first_contact:{held.pk}"]
    now(shanghai("2026-11-24 13:31:30"))
    ticket_refuse(ticket_id=held.pk, agent=held.assignee, reason="The evidence does not show a settlement.")

    # A minute later the breach jobs run: the e-mail and the in-app notice are both held back.
    assert notify_breach(result.breach_event_keys[0]) is False
    notifications_for_breaches(now=shanghai("2026-11-24 13:32"))
    assert mail.outbox == []
    assert notices(held, NotificationKind.BREACHED) == []


def test_a_breach_still_owed_is_told(held, now):  # noqa: F811
    result = clock_sweep(now=now(shanghai("2026-11-24 13:31")))
    notifications_for_breaches(now=shanghai("2026-11-24 13:32"))
    assert {n.recipient.email for n in notices(held, NotificationKind.BREACHED)} == {
        "li@example.com", "lead@example.com",
    }
    assert notify_breach(result.breach_event_keys[0]) is True
    assert len(mail.outbox) == 1


def test_unread_breach_notices_go_when_the_ticket_is_decided(held, now):  # noqa: F811
    clock_sweep(now=now(shanghai("2026-11-24 13:31")))
    notifications_for_breaches(now=shanghai("2026-11-24 13:32"))
    assert len(notices(held, NotificationKind.BREACHED)) == 2
    now(shanghai("2026-11-24 14:00"))
    ticket_refuse(ticket_id=held.pk, agent=held.assignee, reason="The evidence does not show a settlement.")
    assert notices(held, NotificationKind.BREACHED) == []


def test_the_decision_within_the_hour_notice_goes_when_the_deadline_pauses(held, now):  # noqa: F811
    ticket_contact_log(ticket_id=held.pk, agent=held.assignee, channel="phone")
    notifications_deadline_soon(now=shanghai("2026-11-27 09:00"))
    assert [n.data["deadline"] for n in notices(held, NotificationKind.DEADLINE_SOON)] == ["decision"]
    now(shanghai("2026-11-27 09:10"))
    ticket_evidence_request(ticket_id=held.pk, agent=held.assignee, message="Please add the agreement.")
    assert notices(held, NotificationKind.DEADLINE_SOON) == []
