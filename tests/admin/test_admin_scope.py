"""Behind the door: every admin of a ticket's rows shows a user only the tickets the workspace would.

The site admits supervisors and administrators only, and both see every ticket. These tests open
the door to every member of staff (Django's own rule, as before the fix) and give a WeChat-only
agent every permission on those tables: the scope alone must then keep the Alipay case out of
sight, answering 404 like the workspace, for a row that exists and for one that does not.
"""

from functools import reduce
from operator import or_

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.urls import reverse

from apps.accounts.models import User
from apps.complaints.models import Complaint
from apps.core.admin import TicketScopedAdminMixin
from apps.policy.models import SpecialCase, Stage
from apps.tickets.models import Letter, WithdrawalTicket
from tests.admin.access import REGISTERED, case_on, database_snapshot, model_id
from tests.admin.conftest import logged_in
from tests.admin.test_admin_access import admin_url, every_action
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reaches_a_ticket(model: type[Model], hops: int = 3) -> bool:
    if model is WithdrawalTicket:
        return True
    return hops > 0 and any(
        reaches_a_ticket(field.related_model, hops - 1)
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one)
    )


# Rows about one ticket, and the complaint a ticket asks to withdraw (with the complainant's data).
TICKET_ROWS = [model for model in REGISTERED if reaches_a_ticket(model) or model is Complaint]


def test_the_scoped_tables_are_the_ones_expected():
    assert {model_id(model) for model in TICKET_ROWS} == {
        "tickets.WithdrawalTicket", "tickets.TicketEvent", "tickets.Letter", "tickets.StageEntry",
        "complaints.Complaint", "evidence.EvidenceFile", "identity.IdentityVerificationAttempt",
        "casework.Notification", "integrations.WebhookDelivery", "integrations.WebhookAttempt",
        "outbound.OutboundMessage", "notifications.RequesterNotice", "conversation.Message",
        "conversation.Attachment",
    }


@pytest.mark.parametrize("model", TICKET_ROWS, ids=model_id)
def test_every_admin_of_a_tickets_rows_filters_by_the_ticket_scope(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, TicketScopedAdminMixin)
    last = get_fields_from_path(model, model_admin.ticket_path)[-1] if model_admin.ticket_path else None
    assert model is WithdrawalTicket if last is None else last.related_model is WithdrawalTicket


def test_no_other_admin_shows_a_tickets_rows_inline():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, TicketScopedAdminMixin):
            continue  # its inlines belong to a row already in scope
        assert not [inline for inline in model_admin.inlines if inline.model in TICKET_ROWS], model


@pytest.fixture
def admitted_wechat_agent(wechat_agent, monkeypatch) -> User:
    """The WeChat-only agent, let in by Django's default rule and allowed everything on these tables."""
    monkeypatch.setattr("apps.core.admin_site.admin_admits", lambda user: user.is_active and user.is_staff)
    content_types = ContentType.objects.get_for_models(*TICKET_ROWS).values()
    model_permissions = Permission.objects.filter(content_type__in=content_types).filter(
        reduce(or_, [Q(codename__startswith=f"{action}_") for action in ("add", "view", "change", "delete")])
    )  # not supervise_tickets, which would widen the scope to every ticket
    wechat_agent.user_permissions.add(*model_permissions)
    return User.objects.get(pk=wechat_agent.pk)  # without the permission cache


@pytest.fixture
def wechat_case(preliminary_review: Stage) -> dict[type[Model], Model]:
    return case_on("wechat", stage=preliminary_review, number="WX2026112400000009")


@pytest.mark.parametrize("model", TICKET_ROWS, ids=model_id)
def test_a_scoped_user_sees_and_opens_only_their_scope(
    model, admitted_wechat_agent, alipay_case, wechat_case
):
    client = logged_in(admitted_wechat_agent)
    hidden, shown = alipay_case[model], wechat_case[model]
    listed = client.get(admin_url(model, "changelist")).context["cl"].result_list
    assert {row.pk for row in listed} == {shown.pk}
    searched = client.get(admin_url(model, "changelist"), {"q": alipay_case[WithdrawalTicket].reference})
    assert hidden.pk not in {row.pk for row in searched.context["cl"].result_list}
    assert client.get(admin_url(model, "change", shown.pk)).status_code == 200

    ticket = alipay_case[WithdrawalTicket]
    attack = {"special_case": SpecialCase.objects.first().pk, "loaded_version": ticket.version}  # type: ignore[union-attr]
    actions = every_action(model, UserFactory(is_superuser=True, is_staff=True))
    before = database_snapshot()
    for pk in (hidden.pk, 999_999):
        for view in ("change", "delete", "history"):
            assert client.get(admin_url(model, view, pk)).status_code == 404
        assert client.post(admin_url(model, "change", pk), attack).status_code == 404
        assert client.post(admin_url(model, "delete", pk), {"post": "yes"}).status_code == 404
    for action in actions:
        client.post(admin_url(model, "changelist"), {"action": action, "_selected_action": [hidden.pk]})
    assert database_snapshot() == before


def test_a_scoped_user_picks_only_tickets_in_scope(admitted_wechat_agent, alipay_case, wechat_case):
    client = logged_in(admitted_wechat_agent)
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "tickets", "model_name": "letter", "field_name": "ticket", "term": "",
    }).json()["results"]
    assert [result["id"] for result in found] == [str(wechat_case[WithdrawalTicket].pk)]

    alipay_ticket = alipay_case[WithdrawalTicket]
    alipay_case[Letter].delete()
    response = client.post(admin_url(Letter, "add"), {"ticket": alipay_ticket.pk, "respondent": "x"})
    assert response.status_code == 200
    assert "ticket" in response.context["adminform"].form.errors
    assert not Letter.objects.filter(ticket=alipay_ticket).exists()
