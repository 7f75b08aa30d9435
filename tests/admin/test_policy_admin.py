"""Policy in the admin: a supervisor edits the figures; an agent is not let in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.policy.admin import as_percent
from apps.policy.models import PolicySettings, Stage
from tests.admin.post_data import post_change

pytestmark = pytest.mark.django_db

POLICY_MODELS = (
    "policysettings", "platform", "complaintnumberlookalike", "complainttype", "stage",
    "calendaroverride", "specialcase", "documentrequirement", "alternativeroute", "evidencetier",
    "evidenceformat", "letterphrase",
)


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (Decimal("0.9200"), "92 %"),
        (Decimal("0.0500"), "5 %"),
        (Decimal("0.3350"), "33.5 %"),
        (Decimal("1.0000"), "100 %"),
        (Decimal("0.0000"), "0 %"),
        (None, "-"),
    ],
)
def test_rates_are_shown_as_percentages(rate, shown):
    assert as_percent(rate) == shown


@pytest.mark.parametrize("model", POLICY_MODELS)
def test_every_policy_changelist_opens_for_a_supervisor(supervisor_client, model):
    assert supervisor_client.get(reverse(f"admin:policy_{model}_changelist")).status_code == 200


def test_the_stage_list_shows_the_articles_rates_as_percentages(supervisor_client):
    response = supervisor_client.get(reverse("admin:policy_stage_changelist"))
    for shown in ("92 %", "65 %", "33 %", "5 %", "−8 % per 1 h", "−15 % per 6 h", "0–6 h", "72 h +"):
        assert shown in response.text


def test_a_supervisor_edits_a_stages_success_rate_as_a_decimal(supervisor_client, preliminary_review):
    url = reverse("admin:policy_stage_change", args=[preliminary_review.pk])
    assert 'value="0.9200"' in supervisor_client.get(url).text
    response = post_change(supervisor_client, url, entry_success_rate="0.9000")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Stage.objects.get(pk=preliminary_review.pk).entry_success_rate == Decimal("0.9000")


def test_a_rate_above_one_is_refused(supervisor_client, preliminary_review):
    url = reverse("admin:policy_stage_change", args=[preliminary_review.pk])
    response = post_change(supervisor_client, url, entry_success_rate="92")
    assert response.status_code == 200
    assert "entry_success_rate" in response.context["adminform"].form.errors
    assert Stage.objects.get(pk=preliminary_review.pk).entry_success_rate == Decimal("0.9200")


def test_policy_settings_stay_a_single_row(supervisor_client, superuser_client, policy):
    for client in (supervisor_client, superuser_client):
        assert client.get(reverse("admin:policy_policysettings_add")).status_code == 403
        delete_url = reverse("admin:policy_policysettings_delete", args=[policy.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        changelist = client.get(reverse("admin:policy_policysettings_changelist"))
        assert changelist.context["has_add_permission"] is False
    assert PolicySettings.objects.count() == 1


def test_a_supervisor_changes_the_policy_settings(supervisor_client, policy):
    url = reverse("admin:policy_policysettings_change", args=[policy.pk])
    response = post_change(supervisor_client, url, first_contact_hours="6")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert PolicySettings.objects.get().first_contact_hours == 6


def test_an_agent_may_neither_open_nor_change_policy_settings(agent_client, policy):
    """Agents read the policy in the workspace; the admin is for supervisors (test_admin_access.py)."""
    url = reverse("admin:policy_policysettings_change", args=[policy.pk])
    assert agent_client.get(url)["Location"].startswith(reverse("admin:login"))
    response = agent_client.post(url, {"first_contact_hours": "1"})
    assert response["Location"].startswith(reverse("admin:login"))
    assert PolicySettings.objects.get().first_contact_hours == policy.first_contact_hours


def test_an_agent_may_not_add_or_change_stages(agent_client, preliminary_review):
    assert agent_client.get(reverse("admin:policy_stage_add"))["Location"].startswith(reverse("admin:login"))
    url = reverse("admin:policy_stage_change", args=[preliminary_review.pk])
    agent_client.post(url, {"entry_success_rate": "0.1"})
    preliminary_review.refresh_from_db()
    assert preliminary_review.entry_success_rate != Decimal("0.1")
