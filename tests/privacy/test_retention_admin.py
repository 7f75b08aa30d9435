"""Administrators edit the retention periods in the admin, within bounds; the kinds are fixed."""

import pytest
from django.urls import reverse

from apps.privacy.models import ErasureRun, RetentionPolicy

pytestmark = pytest.mark.django_db


def change(client, policy, days):
    url = reverse("admin:privacy_retentionpolicy_change", args=[policy.pk])
    return client.post(url, {"days": days, "reason": "reviewed"})


@pytest.mark.parametrize(("days", "saved"), [(0, False), (1, True), (3650, True), (3651, False), ("", False)])
def test_a_period_is_saved_only_within_bounds(superuser_client, days, saved):
    policy = RetentionPolicy.objects.get(kind="evidence_files")
    response = change(superuser_client, policy, days)
    policy.refresh_from_db()
    assert (response.status_code == 302) is saved
    assert policy.days == (days if saved else 365)


def test_kinds_are_neither_added_nor_deleted(superuser_client):
    assert superuser_client.get(reverse("admin:privacy_retentionpolicy_add")).status_code == 403
    delete = reverse("admin:privacy_retentionpolicy_delete", args=[RetentionPolicy.objects.first().pk])
    assert superuser_client.get(delete).status_code == 403


def test_the_records_are_read_only(superuser_client):
    assert superuser_client.get(reverse("admin:privacy_erasurerun_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:privacy_erasurerun_add")).status_code == 403
    assert ErasureRun.objects.count() == 0
