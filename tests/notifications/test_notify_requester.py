"""notify_requester: channels, the night hold, the hourly limit, de-duplication, and what it leaves alone."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import NoticePreference, RequesterNotice
from apps.notifications.services import notice_preference_update, notify_requester
from apps.outbound.models import Channel, OutboundMessage
from apps.policy.models import CalendarOverride, PolicySettings
from tests.casework.conftest import shanghai
from tests.factories import TicketFactory, UserFactory
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db


def sms_at(ticket):
    return [
        m.next_attempt_at
        for m in OutboundMessage.objects.filter(ticket=ticket, channel=Channel.SMS).order_by("pk")
    ]


class Boom(Exception):
    pass


class TestChannels:
    def test_portal_sms_and_email_are_written_once_for_the_same_key(self, ticket, now):
        at = now("2026-11-24 10:00")
        first = notify(ticket, at, key="assigned:1")
        second = notify(ticket, at, key="assigned:1")

        assert first.created and not second.created and second.messages == []
        assert second.notice.pk == first.notice.pk
        assert RequesterNotice.objects.count() == 1
        assert sorted(OutboundMessage.objects.values_list("channel", "dedupe_key")) == [
            ("email", "notice:assigned:1:email"),
            ("sms", "notice:assigned:1:sms"),
        ]

    def test_a_requester_who_turned_texts_off_gets_only_the_portal_and_email(self, ticket, requester, now):
        notice_preference_update(requester=requester, sms=False, email=True)
        notify(ticket, now("2026-11-24 10:00"))
        assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["email"]
        assert RequesterNotice.objects.filter(requester=requester).count() == 1

    def test_a_requester_who_turned_both_off_still_has_the_portal_list(self, ticket, requester, now):
        notice_preference_update(requester=requester, sms=False, email=False)
        notify(ticket, now("2026-11-24 10:00"))
        assert not OutboundMessage.objects.exists()
        assert RequesterNotice.objects.filter(requester=requester).count() == 1

    def test_a_requester_with_no_email_gets_no_email_and_cannot_turn_it_on(self, ticket, requester, now):
        requester.email = ""
        requester.save(update_fields=["email"])
        assert notice_preference_update(requester=requester, sms=True, email=True).email is False
        notify(ticket, now("2026-11-24 10:00"))
        assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["sms"]

    def test_the_first_notice_stores_the_defaults(self, ticket, requester, now):
        notify(ticket, now("2026-11-24 10:00"))
        preference = NoticePreference.objects.get(requester=requester)
        assert (preference.sms, preference.email) == (True, True)

    def test_nothing_for_a_ticket_without_requester_or_filed_by_staff(self, now):
        at = now("2026-11-24 10:00")
        for ticket in (TicketFactory(requester=None), TicketFactory(requester=UserFactory(is_staff=True))):
            assert (
                notify_requester(
                    ticket=ticket, event="assigned", context={}, dedupe_key=f"x{ticket.pk}", now=at
                )
                is None
            )
        assert not RequesterNotice.objects.exists() and not OutboundMessage.objects.exists()

    def test_a_rolled_back_change_leaves_no_notice_and_no_outbox_row(self, ticket, now):
        at = now("2026-11-24 10:00")
        with pytest.raises(Boom), transaction.atomic():
            notify(ticket, at)
            raise Boom
        assert not RequesterNotice.objects.exists() and not OutboundMessage.objects.exists()

    def test_it_costs_the_same_few_queries_whatever_the_requesters_history(self, ticket, requester, now):
        at = now("2026-11-24 10:00")
        notify(ticket, at, key="warm")  # the preference row now exists

        def queries(key: str) -> int:
            ticket.refresh_from_db()
            with CaptureQueriesContext(connection) as captured:
                notify(ticket, at, key=key)
            return len(captured)

        few = queries("one")
        for index in range(20):
            notify(TicketFactory(requester=requester), at - timedelta(minutes=index), key=f"old{index}")
        assert queries("two") == few <= 16


class TestNightHold:
    @pytest.mark.parametrize(
        ("sent", "goes"),
        [
            ("2026-11-24 08:59", "2026-11-24 09:00"),
            ("2026-11-24 09:00", "2026-11-24 09:00"),
            ("2026-11-24 20:59", "2026-11-24 20:59"),
            ("2026-11-24 21:00", "2026-11-25 09:00"),
            ("2026-11-24 21:01", "2026-11-25 09:00"),
            ("2026-11-25 03:00", "2026-11-25 09:00"),
        ],
    )
    def test_a_text_at_night_waits_for_the_opening_the_email_does_not(self, ticket, now, sent, goes):
        notify(ticket, now(sent))
        assert sms_at(ticket) == [shanghai(goes)]
        assert OutboundMessage.objects.get(channel=Channel.EMAIL).next_attempt_at == shanghai(sent)

    def test_an_urgent_text_goes_at_night(self, ticket, now):
        notify(ticket, now("2026-11-24 21:01"), urgent=True)
        assert sms_at(ticket) == [shanghai("2026-11-24 21:01")]

    def test_a_text_whose_deadline_passes_before_the_opening_goes_at_night(self, ticket, now):
        notify(ticket, now("2026-11-24 23:00"), deadline_at=shanghai("2026-11-25 01:00"))
        assert sms_at(ticket) == [shanghai("2026-11-24 23:00")]

    def test_closed_on_holidays_the_text_waits_for_the_next_working_day(self, ticket, now):
        PolicySettings.objects.update(service_on_holidays=False)
        CalendarOverride.objects.create(
            date=shanghai("2026-11-30 00:00").date(), kind="holiday", reason="test"
        )
        notify(ticket, now("2026-11-27 21:01"))  # a Friday; Monday is a holiday
        assert sms_at(ticket) == [shanghai("2026-12-01 09:00")]

    def test_closed_on_holidays_a_make_up_saturday_opens(self, ticket, now):
        PolicySettings.objects.update(service_on_holidays=False)
        CalendarOverride.objects.create(
            date=shanghai("2026-11-28 00:00").date(), kind="workday", reason="调休"
        )
        notify(ticket, now("2026-11-27 21:01"))
        assert sms_at(ticket) == [shanghai("2026-11-28 09:00")]

    def test_open_on_holidays_the_text_goes_at_the_next_morning_whatever_the_day(self, ticket, now):
        notify(ticket, now("2026-11-28 21:30"))  # a Saturday
        assert sms_at(ticket) == [shanghai("2026-11-29 09:00")]


class TestHourlyLimit:
    def test_texts_past_the_limit_wait_for_the_hour_and_none_is_dropped(self, ticket, now):
        PolicySettings.objects.update(notice_sms_per_hour=2)
        at = now("2026-11-24 10:00")
        for index in range(5):
            notify(ticket, at, key=f"k{index}")
        assert sms_at(ticket) == [
            shanghai(f"2026-11-24 {hour}") for hour in ("10:00", "10:00", "11:00", "11:00", "12:00")
        ]
        assert OutboundMessage.objects.filter(channel=Channel.EMAIL, next_attempt_at=at).count() == 5

    def test_texts_held_overnight_are_spread_from_the_opening(self, ticket, now):
        PolicySettings.objects.update(notice_sms_per_hour=2)
        for index, minute in enumerate(("22:00", "22:10", "23:00")):
            notify(ticket, now(f"2026-11-24 {minute}"), key=f"k{index}")
        assert sms_at(ticket) == [
            shanghai(t) for t in ("2026-11-25 09:00", "2026-11-25 09:00", "2026-11-25 10:00")
        ]

    def test_an_hour_later_the_limit_is_free_again(self, ticket, now):
        PolicySettings.objects.update(notice_sms_per_hour=1)
        notify(ticket, now("2026-11-24 10:00"), key="a")
        notify(ticket, now("2026-11-24 11:00"), key="b")
        assert sms_at(ticket) == [shanghai("2026-11-24 10:00"), shanghai("2026-11-24 11:00")]

    def test_an_urgent_text_is_not_delayed_by_the_limit(self, ticket, now):
        PolicySettings.objects.update(notice_sms_per_hour=1)
        at = now("2026-11-24 10:00")
        notify(ticket, at, key="a")
        notify(ticket, at, key="b", urgent=True)
        assert sms_at(ticket) == [at, at]
