"""Integrations, keys, people and tickets for the /api/v1/ tests."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR
from apps.integrations.models import ApiKey, Integration
from apps.integrations.scopes import Scope
from apps.integrations.services import api_key_issue
from apps.policy.models import ComplaintType, Platform
from tests.factories import (
    AgentProfileFactory,
    ComplaintFactory,
    RequesterFactory,
    TicketFactory,
    UserFactory,
)

PHONE = "13912345678"


def issue(integration: Integration, *scopes: str) -> tuple[ApiKey, str]:
    return api_key_issue(
        integration=integration, scopes=scopes or list(Scope.values), expires_at=None, actor=None
    )


def key_client(plain: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def person_client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


@pytest.fixture
def crm(db) -> Integration:
    integration = Integration.objects.create(name="WeChat CRM")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    return integration


@pytest.fixture
def other_crm(db) -> Integration:
    integration = Integration.objects.create(name="Alipay CRM")
    integration.platforms.set([Platform.objects.get(code="alipay")])
    return integration


@pytest.fixture
def api(crm) -> APIClient:
    """A key of the WeChat integration with every scope."""
    return key_client(issue(crm)[1])


@pytest.fixture
def content_type(db) -> ComplaintType:
    """A type needing no document, so a ticket can be approved without one."""
    return ComplaintType.objects.get(code="content_infringement")


class FrozenClock:
    """apps.core.clock.now, held still and moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch) -> FrozenClock:
    """Tuesday 24 November 2026, 10:00 in Shanghai: inside service hours."""
    clock = FrozenClock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    monkeypatch.setattr("apps.core.clock.now", clock)
    return clock


@pytest.fixture
def complaint(db, content_type, frozen):
    return ComplaintFactory(complaint_type=content_type, filed_at=frozen.moment - timedelta(hours=1))


@pytest.fixture
def received(db, complaint):
    """A WeChat ticket in the queue, with its requester."""
    return TicketFactory(
        complaint=complaint,
        requester=RequesterFactory(),
        stage=None,
        submitted_at=complaint.filed_at,
        received_at=complaint.filed_at,
    )


@pytest.fixture
def requester(db):
    user = RequesterFactory()
    user.groups.add(Group.objects.get(name=REQUESTER))
    return user


@pytest.fixture
def agent(db, wechat, content_type):
    user = UserFactory(username="agent-li")
    user.groups.add(Group.objects.get(name=AGENT))
    profile = AgentProfileFactory(user=user)
    profile.platforms.set([wechat])
    profile.complaint_types.set([content_type])
    return user


@pytest.fixture
def supervisor(db):
    user = UserFactory(username="supervisor-wang")
    user.groups.add(Group.objects.get(name=SUPERVISOR))
    return user


@pytest.fixture
def sms_codes(caplog):
    """The codes the development identity provider 'sends' (logs), newest last."""
    caplog.set_level(logging.INFO, logger="chehui.identity")

    def codes() -> list[str]:
        return [record.sms_code for record in caplog.records if hasattr(record, "sms_code")]

    return codes
