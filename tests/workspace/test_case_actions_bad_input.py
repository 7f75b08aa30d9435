"""Whatever a form posts to a case action, the answer is a page, never a server error."""

import pytest
from django.urls import reverse

from apps.accounts.roles import SUPERVISOR
from apps.workspace.views import ACTIONS
from tests.workspace.conftest import person, received_ticket

ODD_VALUES = ["", "abc", "²", "-1", "99999999999999999999999", "1e309", "' or 1=1--", "<script>", "x" * 5000]
pytestmark = pytest.mark.django_db

FIELDS = ["agent", "version", "template", "route", "channel", "note", "message", "reason"]


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("value", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_a_case_action_with_odd_values_answers_without_failing(as_user, now, action, value):
    ticket = received_ticket()
    client = as_user(person(SUPERVISOR))
    response = client.post(
        reverse("workspace:case_action", args=[ticket.reference, action]),
        dict.fromkeys(FIELDS, value),
    )
    assert response.status_code < 500, (action, value, response.status_code)
