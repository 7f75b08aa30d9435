"""Every model of the project has an admin, and every admin page opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "accounts", "policy", "complaints", "tickets", "identity", "evidence", "casework", "integrations",
    "outbound", "notifications", "conversation",
)
PROJECT_MODELS = [
    model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
]


def test_every_project_model_is_registered():
    assert [model for model in PROJECT_MODELS if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda model: model._meta.label)
def test_every_admin_page_opens_for_an_administrator(superuser_client, model):
    TicketFactory()
    opts = model._meta
    response = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    add = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)  # 403: rows this admin never adds
    first = model._default_manager.first()
    if first is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
        assert superuser_client.get(url).status_code == 200
