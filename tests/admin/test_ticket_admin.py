"""The ticket admin as a supervisor meets it: the list, search, the case page, edits."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.policy.models import IdentityMethod, Stage
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, Letter, StageEntry, TicketEvent, WithdrawalTicket
from tests.admin.post_data import change_form_data, post_change
from tests.factories import TeamFactory, TicketFactory, UserFactory, tier

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_withdrawalticket_changelist")


def change_url(ticket: WithdrawalTicket) -> str:
    return reverse("admin:tickets_withdrawalticket_change", args=[ticket.pk])


def ticket_with_everything(preliminary_review: Stage) -> WithdrawalTicket:
    """A ticket with a letter, a stage entry, an evidence file, an identity attempt and events."""
    ticket = TicketFactory(stage=preliminary_review)
    Letter.objects.create(ticket=ticket, respondent="某某数码专营店", reason="双方已和解")
    StageEntry.objects.create(ticket=ticket, stage=preliminary_review, entered_at=ticket.received_at)
    EvidenceFile.objects.create(
        ticket=ticket, tier=tier("core"), file="evidence/0f1e2d", original_name="和解协议.pdf",
        detected_type="application/pdf", size=48_213, sha256=hashlib.sha256(b"agreement").hexdigest(),
    )
    IdentityVerificationAttempt.objects.create(
        ticket=ticket, method=IdentityMethod.FACE_RECOGNITION, provider="dev",
        outcome=IdentityVerificationAttempt.Outcome.PASSED, ip_address="203.0.113.45",
    )
    event_record(ticket=ticket, kind=EventKind.RECEIVED, actor_label="clock", to_value="received")
    return ticket


def test_a_supervisor_sees_the_tickets_in_the_changelist(supervisor_client):
    tickets = TicketFactory.create_batch(3)
    response = supervisor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == set(tickets)
    for ticket in tickets:
        assert ticket.reference in response.text
        assert ticket.complaint.number in response.text


@pytest.mark.parametrize("typed", [str.strip, str.lower])
def test_search_by_complaint_number_finds_exactly_that_ticket(supervisor_client, typed):
    wanted, *_others = TicketFactory.create_batch(4)
    response = supervisor_client.get(CHANGELIST, {"q": typed(wanted.complaint.number)})
    assert list(response.context["cl"].result_list) == [wanted]


def test_search_by_ticket_number_finds_exactly_that_ticket(supervisor_client):
    wanted, *_others = TicketFactory.create_batch(4)
    response = supervisor_client.get(CHANGELIST, {"q": wanted.reference.lower()})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_list_can_be_filtered_by_status_and_platform(supervisor_client, wechat):
    received = TicketFactory()
    TicketFactory(status="approved")
    filters = {"status__exact": "received", "platform__id__exact": wechat.pk}
    response = supervisor_client.get(CHANGELIST, filters)
    assert list(response.context["cl"].result_list) == [received]


def test_the_changelist_runs_the_same_queries_for_5_and_for_50_tickets(
    supervisor_client, preliminary_review
):
    def queries_for_list_of(count: int) -> int:
        WithdrawalTicket.objects.filter(complaint__number__startswith="Q").delete()
        for _index in range(count):
            # A distinct assignee and complaint per row: a per-row query would show.
            TicketFactory(stage=preliminary_review, assignee=UserFactory(is_staff=True))
        with CaptureQueriesContext(connection) as queries:
            response = supervisor_client.get(CHANGELIST)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == WithdrawalTicket.objects.count()
        return len(queries)

    supervisor_client.get(CHANGELIST)  # warm the per-day cache of the calendar warning
    five = queries_for_list_of(5)
    fifty = queries_for_list_of(45)  # 5 + 45 = 50 tickets listed
    assert five == fifty


def test_the_ticket_page_shows_every_inline_with_the_ip_masked(supervisor_client, preliminary_review):
    ticket = ticket_with_everything(preliminary_review)
    response = supervisor_client.get(change_url(ticket))
    assert response.status_code == 200
    inlines = {inline.formset.model: inline for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) == {Letter, StageEntry, EvidenceFile, IdentityVerificationAttempt, TicketEvent}
    for model, inline in inlines.items():
        assert len(inline.formset.forms) == 1, model
    assert "和解协议.pdf" in response.text
    assert "203.0.113.*" in response.text
    assert "203.0.113.45" not in response.text
    assert "/media/evidence/" not in response.text  # private files are never linked


def test_the_ticket_page_offers_no_way_to_add_evidence_or_events(superuser_client, preliminary_review):
    ticket = ticket_with_everything(preliminary_review)
    response = superuser_client.get(change_url(ticket))
    inlines = {inline.formset.model: inline for inline in response.context["inline_admin_formsets"]}
    for model in (EvidenceFile, IdentityVerificationAttempt, StageEntry, TicketEvent):
        assert not inlines[model].has_add_permission, model
        assert not inlines[model].has_delete_permission, model
    for model in (IdentityVerificationAttempt, StageEntry, TicketEvent):
        assert not inlines[model].has_change_permission, model
    evidence_form = inlines[EvidenceFile].formset.forms[0]
    assert set(evidence_form.fields) - {"id", "ticket", "DELETE"} == {"tier"}


def test_clock_owned_fields_are_read_only(superuser_client):
    ticket = TicketFactory()
    form = superuser_client.get(change_url(ticket)).context["adminform"].form
    assert set(form.fields) == {"assignee", "team", "special_case", "loaded_version"}


def test_a_ticket_cannot_be_deleted(supervisor_client, superuser_client):
    ticket = TicketFactory()
    delete_url = reverse("admin:tickets_withdrawalticket_delete", args=[ticket.pk])
    for client in (supervisor_client, superuser_client):
        assert client.get(delete_url).status_code == 403
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        assert "delete_selected" not in client.get(CHANGELIST).text
    assert WithdrawalTicket.objects.filter(pk=ticket.pk).exists()


def test_tickets_are_not_added_in_the_admin(superuser_client):
    assert superuser_client.get(reverse("admin:tickets_withdrawalticket_add")).status_code == 403


def test_a_supervisor_reassigns_a_ticket_and_the_event_log_says_who_did_it(supervisor_client, supervisor):
    ticket = TicketFactory()
    agent, team = UserFactory(is_staff=True, display_name="李客服"), TeamFactory()
    response = post_change(supervisor_client, change_url(ticket), assignee=agent.pk, team=team.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.team, ticket.version) == (agent, team, 2)
    assert ticket.assigned_at is not None
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).order_by("id")
    assert [(event.actor, event.data["field"], event.to_value) for event in events] == [
        (supervisor, "assignee", "李客服"), (supervisor, "team", team.name),
    ]


def test_only_staff_can_be_assigned(supervisor_client):
    ticket = TicketFactory()
    requester = UserFactory(is_staff=False)
    response = post_change(supervisor_client, change_url(ticket), assignee=requester.pk)
    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_change_made_on_an_outdated_page_is_refused(supervisor_client):
    ticket = TicketFactory()
    data = change_form_data(supervisor_client.get(change_url(ticket)))
    WithdrawalTicket.objects.filter(pk=ticket.pk).update(version=2)  # the clock moved it meanwhile
    data["assignee"] = UserFactory(is_staff=True).pk
    response = supervisor_client.post(change_url(ticket), data)
    assert response.status_code == 200
    assert "changed since you opened it" in response.text
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.version) == (None, 2)
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_an_agent_is_not_let_in_to_view_or_change_tickets(agent_client):
    """Agents work tickets in the workspace, within their scope; every admin page is refused."""
    ticket = TicketFactory()
    for url in (CHANGELIST, change_url(ticket)):
        assert agent_client.get(url)["Location"].startswith(reverse("admin:login"))


def test_saving_an_unchanged_ticket_changes_nothing(supervisor_client):
    ticket = TicketFactory()
    response = post_change(supervisor_client, change_url(ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.version == 1
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_the_ticket_page_runs_the_same_queries_for_1_and_for_4_evidence_files(
    superuser_client, preliminary_review
):
    ticket = ticket_with_everything(preliminary_review)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(change_url(ticket))
        assert response.status_code == 200
        return len(queries)

    queries_for_page()  # warm the content-type cache
    one = queries_for_page()
    for index in range(3):
        EvidenceFile.objects.create(
            ticket=ticket, tier=tier("supplementary"), file=f"evidence/{index}", original_name=f"{index}.pdf",
            detected_type="application/pdf", size=1_000, sha256=hashlib.sha256(bytes([index])).hexdigest(),
            uploaded_by=UserFactory(),
        )
    assert queries_for_page() == one


def test_correcting_an_evidence_files_tier_is_recorded(superuser_client, preliminary_review):
    ticket = ticket_with_everything(preliminary_review)
    evidence = ticket.evidence_files.get()
    url = change_url(ticket)
    data = change_form_data(superuser_client.get(url))
    tier_key = next(key for key, value in data.items() if key.endswith("-tier"))
    data[tier_key] = str(tier("supplementary").pk)
    response = superuser_client.post(url, data)
    assert response.status_code == 302
    evidence.refresh_from_db()
    ticket.refresh_from_db()
    assert (evidence.tier.code, ticket.version) == ("supplementary", 2)
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert note.data == {"model": "evidencefile", "id": evidence.pk, "fields": ["tier"]}


def test_the_assignee_picker_offers_only_active_staff(supervisor_client):
    staff = UserFactory(username="agent-wang", is_staff=True)
    UserFactory(username="agent-requester", is_staff=False)
    UserFactory(username="agent-gone", is_staff=True, is_active=False)
    picker = {"app_label": "tickets", "model_name": "withdrawalticket", "field_name": "assignee"}
    response = supervisor_client.get(reverse("admin:autocomplete"), {**picker, "term": "agent-"})
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(staff.pk)]


def test_the_ticket_page_does_not_create_or_delete_teams_or_special_cases(supervisor_client):
    response = supervisor_client.get(change_url(TicketFactory()))
    assert "add_id_team" not in response.text
    assert "delete_id_special_case" not in response.text
