"""GET /tickets/: the caller's tickets in cursor pages, filtered, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.policy.models import Platform, Stage
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.api.conftest import url
from tests.factories import ComplaintFactory, TicketFactory

pytestmark = pytest.mark.django_db


def make_tickets(count: int, **kwargs) -> list[WithdrawalTicket]:
    return [TicketFactory(**kwargs) for _ in range(count)]


def queries_for(api, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url("tickets"), params)
    assert response.status_code == 200
    return len(queries), response.json()


def test_the_list_takes_the_same_queries_for_10_and_100_rows(api):
    make_tickets(10)
    api.get(url("tickets"))  # the key's last use is noted once a minute: not counted below
    small, page = queries_for(api, page_size=100)
    assert len(page["results"]) == 10
    make_tickets(90)
    large, page = queries_for(api, page_size=100)
    assert len(page["results"]) == 100
    assert small == large <= 3


def test_cursor_pages_walk_every_ticket_once_newest_first(api):
    tickets = make_tickets(7)
    seen, link = [], url("tickets") + "?page_size=3"
    while link:
        page = api.get(link).json()
        seen += [row["reference"] for row in page["results"]]
        link = page["next"]
    assert seen == [ticket.reference for ticket in reversed(tickets)]


def test_a_key_lists_only_its_platforms(api):
    mine = TicketFactory()
    TicketFactory(
        complaint=ComplaintFactory(
            platform=Platform.objects.get(code="alipay"), number="ZFB202611240000000001"
        )
    )
    assert [row["reference"] for row in api.get(url("tickets")).json()["results"]] == [mine.reference]


def test_filters_by_status_platform_stage_and_update_time(api, frozen):
    review = Stage.objects.get(code="preliminary_review")
    old = TicketFactory(status=TicketStatus.RECEIVED, stage=review)
    WithdrawalTicket.objects.filter(pk=old.pk).update(updated_at=frozen.moment - timedelta(days=2))
    assigned = TicketFactory(status=TicketStatus.WAITING_ON_REQUESTER)

    def references(**params) -> list[str]:
        response = api.get(url("tickets"), params)
        assert response.status_code == 200, response.json()
        return [row["reference"] for row in response.json()["results"]]

    assert references(status="waiting_on_requester") == [assigned.reference]
    assert references(stage="preliminary_review") == [old.reference]
    assert references(platform="wechat") == [assigned.reference, old.reference]
    assert references(platform="alipay") == []
    since = (frozen.moment - timedelta(days=1)).isoformat()
    assert old.reference not in references(updated_since=since)
    assert api.get(url("tickets"), {"status": "lost"}).status_code == 400
