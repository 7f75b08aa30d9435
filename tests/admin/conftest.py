"""Staff users in each role, logged into the admin."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client

from apps.accounts.models import User
from apps.accounts.roles import AGENT, SUPERVISOR, roles_sync
from apps.policy.models import Platform, Stage
from tests.admin.access import case_on
from tests.factories import AgentProfileFactory, UserFactory


def staff_in(role: str, **fields: object) -> User:
    roles_sync()  # idempotent: the groups carry exactly the permissions the code defines
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user: User) -> Client:
    # These tests read the English labels; tests/config/test_translations.py checks the Chinese.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def supervisor(db) -> User:
    return staff_in(SUPERVISOR, username="supervisor", display_name="王主管")


@pytest.fixture
def agent(db) -> User:
    return staff_in(AGENT, username="agent", display_name="李客服")


@pytest.fixture
def supervisor_client(supervisor) -> Client:
    return logged_in(supervisor)


@pytest.fixture
def agent_client(agent) -> Client:
    return logged_in(agent)


@pytest.fixture
def superuser_client(db) -> Client:
    return logged_in(UserFactory(username="root", is_staff=True, is_superuser=True))


@pytest.fixture
def wechat_agent(db) -> User:
    """An agent who handles WeChat only (the attacker of the report); staff, like every agent."""
    user = staff_in(AGENT, username="wechat-agent")
    profile = AgentProfileFactory(user=user)
    profile.platforms.set([Platform.objects.get(code="wechat")])
    return user


@pytest.fixture
def alipay_case(preliminary_review: Stage) -> dict[type[Model], Model]:
    """An Alipay ticket with a row in every table about it: out of the WeChat agent's scope."""
    return case_on("alipay", stage=preliminary_review, number="ALI2026112400000001")
