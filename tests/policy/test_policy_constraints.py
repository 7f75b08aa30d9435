"""The database refuses policy that cannot make sense, whoever writes it."""

from datetime import time

import pytest
from django.db import IntegrityError, transaction

from apps.policy.models import AlternativeRoute, ComplaintType, PolicySettings, Stage

pytestmark = pytest.mark.django_db


def test_a_second_policy_settings_row_is_refused(policy):
    policy.pk = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        policy.save(force_insert=True)


def test_service_hours_must_open_before_they_close(policy):
    policy.service_opens_at = time(21, 0)
    policy.service_closes_at = time(9, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        policy.save()


def test_a_stage_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(code="evidence_check").update(ends_at_hour=3)


def test_a_decaying_stage_needs_a_period():
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(code="evidence_check").update(decay_period_hours=None)


def test_handling_and_route_ranges_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintType.objects.filter(code="infringement").update(handling_days_min=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlternativeRoute.objects.filter(code="courts").update(days_min=40)


def test_rates_outside_zero_to_one_fail_validation():
    from django.core.exceptions import ValidationError

    stage = Stage.objects.get(code="final_review")
    stage.entry_success_rate = 2
    with pytest.raises(ValidationError):
        stage.full_clean()
    assert PolicySettings.objects.get().service_opens_at == time(9, 0)
