"""The three roles exist as groups, each with the permissions its people need and no more."""

import pytest
from django.contrib.auth.models import Group

from apps.accounts.roles import roles_sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _user_in(role: str):
    user = UserFactory(is_staff=role != "requester")
    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)  # fresh object: no cached permissions


def test_migrate_creates_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"requester", "agent", "supervisor"}


def test_a_requester_may_only_request_withdrawals():
    requester = _user_in("requester")
    assert requester.has_perm("tickets.request_withdrawal")
    assert not requester.has_perm("tickets.view_withdrawalticket")
    assert not requester.has_perm("tickets.work_tickets")


def test_an_agent_works_tickets_but_cannot_change_policy_or_reveal_personal_data():
    agent = _user_in("agent")
    assert agent.has_perm("tickets.work_tickets")
    assert agent.has_perm("policy.view_platform")
    assert not agent.has_perm("policy.change_policysettings")
    assert not agent.has_perm("tickets.supervise_tickets")
    assert not agent.has_perm("tickets.reveal_personal_data")


def test_a_supervisor_configures_policy_and_supervises():
    supervisor = _user_in("supervisor")
    for perm in (
        "policy.change_policysettings", "policy.add_calendaroverride", "policy.change_stage",
        "tickets.supervise_tickets", "tickets.reveal_personal_data",
        "django_celery_beat.change_periodictask",
    ):
        assert supervisor.has_perm(perm), perm
    assert not supervisor.has_perm("tickets.delete_withdrawalticket")
    assert not supervisor.has_perm("tickets.change_ticketevent")


def test_sync_is_idempotent_and_restores_removed_permissions():
    group = Group.objects.get(name="agent")
    before = roles_sync()["agent"]
    group.permissions.clear()
    assert roles_sync()["agent"] == before == group.permissions.count()
