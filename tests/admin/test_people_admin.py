"""Users, teams and agent profiles in the admin; mobile numbers are masked for viewers."""

import pytest
from django.urls import reverse

from apps.accounts.models import AgentProfile
from tests.factories import AgentProfileFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_list_masks_mobile_numbers(supervisor_client):
    UserFactory(username="zhangwei", phone="13800138000")
    response = supervisor_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "138****8000" in response.text
    assert "13800138000" not in response.text


def test_a_user_is_found_by_their_complete_mobile_number(supervisor_client):
    wanted = UserFactory(phone="13800138000")
    UserFactory(phone="13900139000")
    response = supervisor_client.get(reverse("admin:accounts_user_changelist"), {"q": "13800138000"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_a_supervisor_views_a_user_with_the_number_masked(supervisor_client):
    user = UserFactory(phone="13800138000", display_name="张伟")
    AgentProfileFactory(user=user)
    response = supervisor_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert "138****8000" in response.text
    assert "13800138000" not in response.text
    assert [inline.formset.model for inline in response.context["inline_admin_formsets"]] == [AgentProfile]


def test_an_administrator_edits_the_profile_fields(superuser_client):
    user = UserFactory(phone="13800138000")
    response = superuser_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = response.context["adminform"].form
    assert {"phone", "display_name", "preferred_language"} <= set(form.fields)
    assert form["phone"].value() == "13800138000"


def test_a_supervisor_sets_up_a_team_and_an_agent_profile(supervisor_client, supervisor, wechat):
    agent = UserFactory(is_staff=True)
    response = supervisor_client.post(
        reverse("admin:accounts_team_add"), {"name": "微信一组", "supervisor": supervisor.pk}
    )
    assert response.status_code == 302
    response = supervisor_client.post(
        reverse("admin:accounts_agentprofile_add"),
        {"user": agent.pk, "platforms": [wechat.pk], "max_open_tickets": "30", "accepts_assignments": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = AgentProfile.objects.get(user=agent)
    assert list(profile.platforms.all()) == [wechat]


def test_the_team_list_counts_agents(supervisor_client):
    team = TeamFactory(name="抖音组")
    AgentProfileFactory.create_batch(3, team=team)
    response = supervisor_client.get(reverse("admin:accounts_team_changelist"))
    assert response.context["cl"].result_list[0].agent_count == 3


def test_an_agent_cannot_see_users(agent_client):
    response = agent_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
