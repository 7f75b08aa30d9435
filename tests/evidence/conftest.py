"""Fixtures of the evidence tests: people in each role and a draft ticket."""

import pytest
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.roles import AGENT, SUPERVISOR
from apps.tickets.models import WithdrawalTicket
from tests.evidence.uploads import staff_in
from tests.factories import AgentProfileFactory, DraftFactory, UserFactory


@pytest.fixture
def english():
    """The messages asserted are the English ones; tests of the Chinese ones switch themselves."""
    with translation.override("en"):
        yield


@pytest.fixture
def requester(db) -> User:
    return UserFactory(display_name="张伟")


@pytest.fixture
def draft(requester) -> WithdrawalTicket:
    return DraftFactory(requester=requester)


@pytest.fixture
def agent_of(db):
    """Make an agent whose team holds the given ticket."""

    def make(ticket: WithdrawalTicket) -> User:
        agent = staff_in(AGENT, display_name="李客服")
        profile = AgentProfileFactory(user=agent)
        ticket.team = profile.team
        ticket.save(update_fields=["team"])
        return agent

    return make


@pytest.fixture
def supervisor(db) -> User:
    return staff_in(SUPERVISOR, display_name="王主管")


@pytest.fixture
def outside_agent(db) -> User:
    """An agent of another team, with no platform: none of these tests' tickets is theirs."""
    agent = staff_in(AGENT, display_name="赵客服")
    AgentProfileFactory(user=agent)
    return agent
