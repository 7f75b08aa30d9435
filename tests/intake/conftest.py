from datetime import datetime

import pytest

from tests.factories import RequesterFactory
from tests.sla.conftest import shanghai


class FrozenClock:
    """apps.core.clock.now, frozen and moved by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, text: str) -> None:
        self.at = shanghai(text)


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    frozen = FrozenClock(shanghai("2026-11-24 10:00"))
    monkeypatch.setattr("apps.core.clock.now", frozen)
    return frozen


@pytest.fixture
def requester(db):
    return RequesterFactory()
