"""The workspace's admin pages open; reply templates are edited, never deleted; notices are read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.casework.models import Notification, NotificationKind, ReplyTemplate
from tests.casework.conftest import received_ticket
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_en(db) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", [ReplyTemplate, Notification])
def test_the_pages_open(admin_client_en, model):
    ticket = received_ticket()
    Notification.objects.create(
        recipient=UserFactory(), kind=NotificationKind.ASSIGNED, ticket=ticket, dedupe_key="admin-test"
    )
    name = model._meta.model_name
    assert admin_client_en.get(reverse(f"admin:casework_{name}_changelist")).status_code == 200
    first = model.objects.first()
    assert admin_client_en.get(reverse(f"admin:casework_{name}_change", args=[first.pk])).status_code == 200


def test_a_template_is_edited_in_place(admin_client_en):
    template = ReplyTemplate.objects.get(code="no_reply")
    url = reverse("admin:casework_replytemplate_change", args=[template.pk])
    response = admin_client_en.post(
        url,
        {
            "code": template.code,
            "title": template.title,
            "title_en": template.title_en,
            "body": "新的措辞。",
            "body_en": "New wording.",
            "order": template.order,
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.body_en, template.active) == ("New wording.", False)
    delete = reverse("admin:casework_replytemplate_delete", args=[template.pk])
    assert admin_client_en.get(delete).status_code == 403
