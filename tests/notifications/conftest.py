"""Fixtures of the notice tests: a requester with both addresses, the domain clock set by hand."""

from collections.abc import Callable
from datetime import datetime

import pytest
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.roles import REQUESTER
from apps.notifications.services import Notified, notify_requester
from apps.tickets.models import WithdrawalTicket
from tests.casework.conftest import person, shanghai
from tests.factories import TicketFactory
from tests.outbound.outbox.conftest import fake_sms, smtp_port  # noqa: F401  (fixture re-export)

PHONE = "13800138000"
ADDRESS = "zhang.wei@example.com"


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages the site shows (not the notices, which follow the requester) are asserted in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def now(monkeypatch) -> Callable[[str], datetime]:
    """`now("2026-11-24 20:59")` freezes apps.core.clock.now there (Shanghai time) and returns it."""

    def set_to(text: str) -> datetime:
        moment = shanghai(text)
        monkeypatch.setattr("apps.core.clock.now", lambda: moment)
        return moment

    set_to("2026-11-24 10:00")
    return set_to


@pytest.fixture
def requester(db) -> User:
    return person(REQUESTER, phone=PHONE, email=ADDRESS, preferred_language="zh-hans", display_name="张伟")


@pytest.fixture
def ticket(requester) -> WithdrawalTicket:
    return TicketFactory(requester=requester)


def notify(
    ticket: WithdrawalTicket, at: datetime, event: str = "assigned", key: str = "k", **kwargs
) -> Notified:
    notified = notify_requester(
        ticket=ticket, event=event, context=kwargs.pop("context", {}), dedupe_key=key, now=at, **kwargs
    )
    assert notified is not None
    return notified
