import pytest

from tests.casework.conftest import now  # noqa: F401  (fixture re-export)
from tests.factories import RequesterFactory
from tests.intake.conftest import FrozenClock, frozen  # noqa: F401  (fixture re-export)


@pytest.fixture
def requester(db):
    return RequesterFactory()


@pytest.fixture
def signed_in(client, requester):
    client.force_login(requester)
    return client


__all__ = ["FrozenClock"]
