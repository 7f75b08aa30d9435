"""Identity-check fixtures: a requester with a phone, their WeChat and Alipay drafts, a clock to move."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from apps.accounts.models import User
from apps.tickets.models import WithdrawalTicket
from tests.factories import ComplaintFactory, DraftFactory, UserFactory, platform

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@dataclass
class MovableClock:
    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> MovableClock:
    movable = MovableClock(START)
    monkeypatch.setattr("apps.core.clock.now", lambda: movable.now)
    return movable


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted in this folder are the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def requester(db) -> User:
    return UserFactory(phone="13912345678", display_name="张伟")


@pytest.fixture
def wechat_draft(requester) -> WithdrawalTicket:
    """WeChat verifies by face recognition, then an SMS code."""
    return DraftFactory(requester=requester)


@pytest.fixture
def alipay_draft(requester) -> WithdrawalTicket:
    """Alipay verifies by payment password alone."""
    complaint = ComplaintFactory(platform=platform("alipay"), number="ZFB202611240930004567")
    return DraftFactory(requester=requester, complaint=complaint)
