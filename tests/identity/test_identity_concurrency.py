"""Two identity attempts at once on one ticket: the ticket's row lock lets them through one by one."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from apps.core.errors import ApplicationError
from apps.identity.models import IdentityVerificationAttempt
from apps.identity.selectors import IDENTITY_ATTEMPTS_PER_HOUR
from apps.identity.services import identity_attempt
from tests.factories import DraftFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(*actions: Callable[[], object]) -> list[object]:
    start = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            start.wait()
            outcomes[index] = action()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_attempts_for_the_last_place_of_the_hour_one_is_refused(clock, settings):
    ticket = DraftFactory(requester=UserFactory(phone="13912345678"))
    for _ in range(IDENTITY_ATTEMPTS_PER_HOUR - 1):
        identity_attempt(ticket=ticket, user=ticket.requester, method="face_recognition", payload={},
                         ip_address=None)
    settings.IDENTITY_PROVIDER = "tests.identity.fakes.SlowProvider"

    def try_face() -> object:
        return identity_attempt(ticket=ticket, user=ticket.requester, method="face_recognition", payload={},
                                ip_address=None)

    outcomes = race(try_face, try_face)

    refused = [outcome for outcome in outcomes if isinstance(outcome, ApplicationError)]
    assert len(refused) == 1, outcomes
    assert refused[0].extra["code"] == "too_many_attempts"
    assert IdentityVerificationAttempt.objects.filter(ticket=ticket).count() == IDENTITY_ATTEMPTS_PER_HOUR
