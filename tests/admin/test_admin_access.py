"""Who gets into the admin, walked over every registered model, page and action.

The admin is for supervisors and administrators. An agent (staff, so they can use the staff login
and the workspace) and a requester are turned away from every page, before any view runs: nothing
is listed, found, opened, changed, deleted, exported or replayed, and no event is written.
"""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.roles import SUPERVISOR, roles_sync
from apps.core.admin_site import ChehuiAdminSite
from apps.policy.models import SpecialCase
from apps.tickets.models import TicketEvent, WithdrawalTicket
from tests.admin.access import REGISTERED, case_on, database_snapshot, model_id
from tests.admin.conftest import logged_in
from tests.factories import RequesterFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factory's
NEW_PASSWORD = "a new horse, a new battery"


@pytest.fixture
def refused_clients(wechat_agent) -> dict[str, Client]:
    return {
        "agent": logged_in(wechat_agent),
        "requester": logged_in(RequesterFactory()),
        "staff without a role": logged_in(UserFactory(is_staff=True)),
    }


def assert_refused(response: Any) -> None:
    """The site refuses before the view runs: back to the staff login, with the page kept as next."""
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("admin:login") + "?next=")


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def row_of(model: type[Model], case: dict[type[Model], Model]) -> Model | None:
    return case.get(model) or model._default_manager.order_by("pk").first()


def every_action(model: type[Model], superuser: User) -> list[str]:
    """The actions an administrator is offered on this model's list, delete and exports included."""
    request = RequestFactory().get(admin_url(model, "changelist"))
    request.user = superuser
    return list(admin.site._registry[model].get_actions(request))


@pytest.mark.parametrize("model", REGISTERED, ids=model_id)
def test_agents_and_requesters_reach_no_page_of_any_model(model, alipay_case, refused_clients):
    """Every page of every admin, read or write, is refused, and the database stays as it was."""
    row = row_of(model, alipay_case)
    pk = row.pk if row is not None else 1
    ticket = alipay_case[WithdrawalTicket]
    attack = {"special_case": SpecialCase.objects.first().pk, "loaded_version": ticket.version}  # type: ignore[union-attr]
    actions = every_action(model, UserFactory(is_superuser=True, is_staff=True))
    before = database_snapshot()

    for client in refused_clients.values():
        assert_refused(client.get(admin_url(model, "changelist")))
        assert_refused(client.get(admin_url(model, "changelist"), {"q": ticket.reference}))
        assert_refused(client.get(admin_url(model, "add")))
        assert_refused(client.post(admin_url(model, "add"), attack))
        for view in ("change", "delete", "history"):
            assert_refused(client.get(admin_url(model, view, pk)))
        assert_refused(client.post(admin_url(model, "change", pk), attack))
        assert_refused(client.post(admin_url(model, "delete", pk), {"post": "yes"}))
        for action in actions:
            assert_refused(client.post(
                admin_url(model, "changelist"),
                {"action": action, "_selected_action": [pk], "index": 0, "post": "yes"},
            ))

    assert database_snapshot() == before


def test_every_url_of_the_admin_goes_through_chehuis_site():
    assert isinstance(admin.site, ChehuiAdminSite)


def test_the_attack_of_the_report_changes_nothing(alipay_case, refused_clients):
    """A WeChat-only agent saves an Alipay ticket's special case: refused, no event written."""
    ticket = alipay_case[WithdrawalTicket]
    events = TicketEvent.objects.filter(ticket=ticket).count()
    special_case = SpecialCase.objects.first()
    response = refused_clients["agent"].post(
        admin_url(WithdrawalTicket, "change", ticket.pk),
        {"special_case": special_case.pk, "loaded_version": ticket.version},  # type: ignore[union-attr]
    )
    assert_refused(response)
    ticket.refresh_from_db()
    assert (ticket.special_case, ticket.version) == (None, 1)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_agents_and_requesters_reach_no_page_of_the_site(alipay_case, refused_clients):
    ticket = alipay_case[WithdrawalTicket]
    urls = [
        reverse("admin:index"),
        reverse("admin:jsi18n"),
        reverse("admin:view_on_site", args=[1, ticket.pk]),
        *[reverse("admin:app_list", args=[label]) for label in {m._meta.app_label for m in REGISTERED}],
    ]
    for client in refused_clients.values():
        for url in urls:
            assert_refused(client.get(url))


def autocomplete_sources() -> list[tuple[type[Model], str]]:
    """Every (model, field) of the registry that points at a registered model."""
    return [
        (model, field.name)
        for model in REGISTERED
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in admin.site._registry
    ]


def test_agents_and_requesters_get_no_autocomplete(alipay_case, refused_clients):
    ticket = alipay_case[WithdrawalTicket]
    sources = autocomplete_sources()
    assert (WithdrawalTicket, "assignee") in [(model, name) for model, name in sources]
    for client in refused_clients.values():
        for model, field_name in sources:
            response = client.get(reverse("admin:autocomplete"), {
                "app_label": model._meta.app_label, "model_name": model._meta.model_name,
                "field_name": field_name, "term": ticket.reference,
            })
            assert_refused(response)


def test_an_agent_still_signs_in_on_the_staff_login_and_lands_in_the_workspace(wechat_agent):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("admin:login"), {
        "username": wechat_agent.username, "password": PASSWORD, "next": reverse("admin:index"),
    })
    assert response.status_code == 302 and response["Location"] == reverse("workspace:queue")
    assert client.get(reverse("workspace:queue")).status_code == 200


def test_an_agent_signing_in_for_a_workspace_page_is_sent_there(wechat_agent):
    response = Client().post(
        f"{reverse('admin:login')}?next={reverse('workspace:notifications')}",
        {"username": wechat_agent.username, "password": PASSWORD},
    )
    assert response["Location"] == reverse("workspace:notifications")


def test_an_agent_changes_their_password_and_signs_out(wechat_agent):
    client = logged_in(wechat_agent)
    page = client.get(reverse("admin:password_change"))
    assert page.status_code == 200
    assert page.context["available_apps"] == []
    response = client.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    assert response["Location"] == reverse("admin:password_change_done")
    assert client.get(reverse("admin:password_change_done")).status_code == 200

    assert client.post(reverse("admin:logout")).status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_requester_may_not_change_a_password_in_the_admin(refused_clients):
    assert_refused(refused_clients["requester"].get(reverse("admin:password_change")))


@pytest.mark.parametrize("role", [SUPERVISOR, "superuser"])
def test_supervisors_and_administrators_see_every_ticket(role, alipay_case, preliminary_review):
    wechat_case = case_on("wechat", stage=preliminary_review, number="WX2026112400000009")
    user = UserFactory(is_staff=True, is_superuser=role == "superuser")
    if role == SUPERVISOR:
        roles_sync()
        user.groups.add(Group.objects.get(name=SUPERVISOR))
    client = logged_in(user)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, row in alipay_case.items():
        if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            continue  # supervisors do not look into the integrations' deliveries
        listed = client.get(admin_url(model, "changelist")).context["cl"].result_list
        assert {row.pk, wechat_case[model].pk} <= {shown.pk for shown in listed}, model_id(model)
        assert client.get(admin_url(model, "change", row.pk)).status_code == 200


def test_the_admin_records_no_change_by_a_refused_user(alipay_case, refused_clients):
    ticket = alipay_case[WithdrawalTicket]
    for client in refused_clients.values():
        client.post(admin_url(WithdrawalTicket, "change", ticket.pk), {"team": ""})
    assert not LogEntry.objects.exists()
