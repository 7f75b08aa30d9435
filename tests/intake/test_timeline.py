"""The timeline names what changed: the intake step, the new status, the stage (not its code)."""

import pytest

from apps.intake.selectors import event_detail, stage_names
from apps.tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_stage_change_is_named_by_the_stages_name():
    event = TicketEvent(kind=EventKind.STAGE_CHANGED, to_value="preliminary_review")
    assert event_detail(event, stage_names()) == "初审阶段"


def test_an_intake_step_is_named_by_its_number():
    assert event_detail(TicketEvent(kind=EventKind.INTAKE_STEP, to_value="3"), {}) == "3. 已完成身份验证"
