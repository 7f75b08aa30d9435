"""People in their roles, tickets started on the real clock, and a clock the tests set."""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from apps.accounts.models import AgentProfile, User
from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR, roles_sync
from apps.sla.services import ticket_clock_start
from apps.tickets.models import WithdrawalTicket
from config.celery_app import app as celery_app
from tests.factories import (
    AgentProfileFactory,
    ComplaintFactory,
    DraftFactory,
    UserFactory,
    complaint_type,
    platform,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(text: str) -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM[:SS]' read in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def person(role: str, **fields: object) -> User:
    roles_sync()  # idempotent
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def agent_with(
    *,
    platforms: tuple[str, ...] = ("wechat",),
    types: tuple[str, ...] = ("infringement",),
    role: str = AGENT,
    email: str = "",
    **profile: object,
) -> User:
    user = person(role, email=email, preferred_language="en")  # e-mails go out in English
    agent_profile = AgentProfileFactory(user=user, **profile)
    agent_profile.platforms.set([platform(code) for code in platforms])
    agent_profile.complaint_types.set([complaint_type(code) for code in types])
    return user


def profile_of(user: User) -> AgentProfile:
    return AgentProfile.objects.get(user=user)


@pytest.fixture(autouse=True)
def _english():
    """The messages asserted here are the English ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def now(monkeypatch) -> Callable[[datetime], datetime]:
    """Set the domain clock: `now(moment)` freezes apps.core.clock.now at `moment`."""

    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr("apps.core.clock.now", lambda: moment)
        return moment

    set_to(shanghai("2026-11-24 10:00"))
    return set_to


@pytest.fixture(autouse=True)
def _frozen_by_default(now):
    """Every test here speaks of 24 November 2026 (its complaints are filed that morning): freeze the
    domain clock there, so no result depends on the hour or the day the suite runs."""


@pytest.fixture
def agent(db) -> User:
    return agent_with()


@pytest.fixture
def supervisor(db) -> User:
    return person(SUPERVISOR, display_name="王主管", email="lead@example.com")


@pytest.fixture
def requester(db) -> User:
    return person(REQUESTER, phone="13800138000", preferred_language="en")


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in place, so on-commit e-mails arrive in mail.outbox."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def received_ticket(
    *,
    filed: str = "2026-11-24 09:30",
    submitted: str = "2026-11-24 09:45",
    platform_code: str = "wechat",
    type_code: str = "infringement",
    requester: User | None = None,
) -> WithdrawalTicket:
    """A ticket submitted and received through the clock, with its real deadlines (version 2)."""
    complaint = ComplaintFactory(
        filed_at=shanghai(filed), platform=platform(platform_code), complaint_type=complaint_type(type_code)
    )
    draft = DraftFactory(complaint=complaint, **({"requester": requester} if requester else {}))
    at = shanghai(submitted)
    return ticket_clock_start(ticket_id=draft.pk, submitted_at=at, now=at)
