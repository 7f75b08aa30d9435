"""The about-to-expire warning: once per ticket and deadline, from one indexed query, every 5 minutes."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from apps.notifications.expiry import notices_about_to_expire
from apps.notifications.models import RequesterNotice
from apps.notifications.tasks import notices_about_to_expire_task
from apps.outbound.models import Channel, OutboundMessage
from apps.policy.models import PolicySettings, Stage
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.casework.conftest import received_ticket, shanghai
from tests.factories import RequesterFactory

pytestmark = pytest.mark.django_db


def in_final_review(requester, *, ends: datetime) -> WithdrawalTicket:
    """A ticket whose complaint is in its last reversible stage, which ends at `ends`."""
    ticket = received_ticket(requester=requester)
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(
        stage=Stage.objects.get(code="final_review"),
        stage_ends_at=ends,
        next_transition_at=ends,
    )
    return WithdrawalTicket.objects.get(pk=ticket.pk)


def warned(ticket) -> list[datetime | None]:
    return list(
        RequesterNotice.objects.filter(ticket=ticket, event="about_to_expire").values_list(
            "deadline_at", flat=True
        )
    )


def test_warned_once_within_the_lead_time_of_the_last_stage_end(requester, now):
    ends = shanghai("2026-11-27 09:30")
    ticket = in_final_review(requester, ends=ends)

    assert notices_about_to_expire(now=ends - timedelta(hours=2, minutes=1)) == 0
    assert notices_about_to_expire(now=ends - timedelta(hours=2)) == 1
    assert notices_about_to_expire(now=ends - timedelta(minutes=30)) == 0
    assert warned(ticket) == [ends]
    assert OutboundMessage.objects.filter(event="about_to_expire").count() == 2  # one text, one e-mail
    assert "11月27日 09:30" in RequesterNotice.objects.get(event="about_to_expire").title


def test_the_lead_time_is_policy(requester, now):
    PolicySettings.objects.update(notice_expiry_warning_hours=6)
    ends = shanghai("2026-11-27 09:30")
    in_final_review(requester, ends=ends)
    assert notices_about_to_expire(now=ends - timedelta(hours=5, minutes=59)) == 1


def test_the_complaints_resolution_is_a_deadline_too(requester, now):
    ticket = received_ticket(requester=requester)
    resolution = shanghai("2026-11-25 12:00")
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(
        complaint_resolution_at=resolution, next_transition_at=resolution
    )
    assert notices_about_to_expire(now=resolution - timedelta(hours=1)) == 1
    assert warned(ticket) == [resolution]


def test_a_deadline_before_the_opening_is_texted_at_night(requester, now):
    ends = shanghai("2026-11-27 02:00")
    in_final_review(requester, ends=ends)
    at = now("2026-11-27 00:30")
    notices_about_to_expire(now=at)
    assert OutboundMessage.objects.get(event="about_to_expire", channel=Channel.SMS).next_attempt_at == at


def test_a_deadline_after_the_opening_waits_for_it(requester, now):
    ends = shanghai("2026-11-27 09:30")
    in_final_review(requester, ends=ends)
    notices_about_to_expire(now=now("2026-11-27 08:00"))
    sms = OutboundMessage.objects.get(event="about_to_expire", channel=Channel.SMS)
    assert sms.next_attempt_at == shanghai("2026-11-27 09:00")


def test_closed_tickets_and_tickets_of_staff_are_not_warned(requester, now):
    ends = shanghai("2026-11-27 09:30")
    decided = in_final_review(requester, ends=ends)
    WithdrawalTicket.objects.filter(pk=decided.pk).update(status=TicketStatus.REFUSED)
    assert notices_about_to_expire(now=ends - timedelta(hours=1)) == 0


def test_the_task_runs_the_same_and_a_second_run_sends_nothing(requester, now):
    ends = shanghai("2026-11-27 09:30")
    in_final_review(requester, ends=ends)
    now("2026-11-27 08:00")
    assert notices_about_to_expire_task() == 1
    assert notices_about_to_expire_task() == 0
    schedule = PeriodicTask.objects.get(task="notifications.about_to_expire")
    assert (schedule.interval.every, schedule.interval.period, schedule.enabled) == (5, "minutes", True)


def test_finding_them_is_one_query_whatever_their_number(now):
    ends = shanghai("2026-11-27 09:30")
    for _index in range(5):
        in_final_review(RequesterFactory(), ends=ends)
    notices_about_to_expire(now=ends - timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        assert notices_about_to_expire(now=ends - timedelta(minutes=50)) == 0
    # the policy row, the stages (two small reads), then the candidates
    assert len(queries) == 4
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a large table: the planner's choice
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_next_transition_idx" in plan


def test_warning_many_costs_the_queries_of_warning_a_few(now):
    ends = shanghai("2026-11-27 09:30")

    def warned(count: int) -> int:
        for _index in range(count):
            in_final_review(RequesterFactory(email="someone@example.com"), ends=ends)
        with CaptureQueriesContext(connection) as queries:
            assert notices_about_to_expire(now=ends - timedelta(hours=1)) == count
        return len(queries)

    assert warned(2) == warned(12)
