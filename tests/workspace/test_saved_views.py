"""An agent saves the queue as they filtered it, finds it again, and deletes it; nobody else's."""

import pytest
from django.urls import reverse

from apps.workspace.models import MAX_SAVED_VIEWS, SavedView
from tests.workspace.conftest import agent_with

pytestmark = pytest.mark.django_db
QUEUE = "/workspace/"


@pytest.fixture
def as_user(as_english_user):
    """These pages are read in English (the workspace is Chinese by default)."""
    return as_english_user


def test_a_saved_view_is_listed_and_opens_the_same_queue(as_user):
    agent = agent_with()
    client = as_user(agent)
    response = client.post(
        reverse("workspace:saved_view_create"),
        {"name": "  微信  已超时 ", "query": "tab=all&urgency=breached&after=xyz&evil=1"},
    )
    assert response.status_code == 302 and "urgency=breached" in response["Location"]
    view = SavedView.objects.get(owner=agent)
    assert view.name == "微信 已超时"
    page = client.get(QUEUE).content.decode()
    assert "微信 已超时" in page and "?tab=all&amp;urgency=breached" in page
    assert "after=" not in page.split("saved-views")[1].split("</div>")[0]


def test_saving_under_the_same_name_replaces_the_view(as_user):
    agent = agent_with()
    client = as_user(agent)
    for query in ("tab=all", "tab=unassigned"):
        client.post(reverse("workspace:saved_view_create"), {"name": "morning", "query": query})
    assert list(SavedView.objects.filter(owner=agent).values_list("query", flat=True)) == ["tab=unassigned"]


def test_a_view_needs_a_name_and_there_is_a_limit(as_user):
    agent = agent_with()
    client = as_user(agent)
    create = reverse("workspace:saved_view_create")
    page = client.post(create, {"name": "  ", "query": "tab=all"}, follow=True)
    assert "Give the view a name" in page.content.decode()
    for number in range(MAX_SAVED_VIEWS):
        client.post(reverse("workspace:saved_view_create"), {"name": f"v{number}", "query": "tab=all"})
    page = client.post(reverse("workspace:saved_view_create"), {"name": "one more", "query": ""}, follow=True)
    assert "delete one first" in page.content.decode()
    assert SavedView.objects.filter(owner=agent).count() == MAX_SAVED_VIEWS


def test_an_agent_cannot_delete_someone_elses_view(as_user):
    owner, other = agent_with(), agent_with()
    as_user(owner).post(reverse("workspace:saved_view_create"), {"name": "mine", "query": "tab=all"})
    view = SavedView.objects.get(owner=owner)
    as_user(other).post(reverse("workspace:saved_view_delete", args=[view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()
    as_user(owner).post(reverse("workspace:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_saving_needs_a_post_and_a_signed_in_agent(client):
    assert client.get(reverse("workspace:saved_view_create")).status_code in (302, 403, 405)
    response = client.post(reverse("workspace:saved_view_create"), {"name": "x", "query": ""})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not SavedView.objects.exists()
