"""Two people deciding one ticket at once: one wins, the other is told it changed, with its new state.

Real transactions on real connections, one per thread: the row lock decides who goes first.
"""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from apps.casework.services import ticket_approve, ticket_claim, ticket_refuse
from apps.core.errors import ApplicationError
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket
from tests.casework.conftest import agent_with, received_ticket
from tests.casework.test_decisions import provide

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at the same moment, each in its own thread and connection; return result or error."""
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


def test_an_approval_and_a_refusal_at_once_one_wins_the_other_sees_the_new_state(supervisor):
    agent = agent_with()
    ticket = received_ticket()
    ticket = ticket_claim(ticket_id=ticket.pk, agent=agent)
    provide(ticket, "withdrawal_proof", "legal_documents")
    seen = ticket.version

    outcomes = race(
        lambda: ticket_approve(ticket_id=ticket.pk, agent=agent, expected_version=seen),
        lambda: ticket_refuse(
            ticket_id=ticket.pk,
            agent=supervisor,
            reason="A long reason typed with care.",
            expected_version=seen,
        ),
    )

    winners = [outcome for outcome in outcomes if isinstance(outcome, WithdrawalTicket)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ApplicationError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    stale = losers[0]
    # The threads speak the site's default language, not the test's English.
    with translation.override(settings.LANGUAGE_CODE):
        assert stale.message == gettext("This ticket changed while you were looking.")
    assert stale.extra["code"] == "stale"
    saved = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert stale.extra["version"] == saved.version == seen + 1
    assert stale.extra["state"]["status"] == saved.status == winners[0].status
    assert saved.status in (TicketStatus.APPROVED, TicketStatus.REFUSED)
    assert saved.events.filter(kind=EventKind.DECIDED).count() == 1


def test_two_agents_claiming_at_once_one_gets_it(db):
    first, second = agent_with(), agent_with()
    ticket = received_ticket()
    outcomes = race(
        lambda: ticket_claim(ticket_id=ticket.pk, agent=first),
        lambda: ticket_claim(ticket_id=ticket.pk, agent=second),
    )
    losers = [outcome for outcome in outcomes if isinstance(outcome, ApplicationError)]
    assert len(losers) == 1, outcomes
    assert losers[0].extra["code"] == "taken"
    saved = WithdrawalTicket.objects.get(pk=ticket.pk)
    assert saved.assignee in (first, second)
    assert saved.events.filter(kind=EventKind.ASSIGNED).count() == 1
