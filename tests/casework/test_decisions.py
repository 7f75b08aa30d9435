"""Approve, refuse with a reply template, route, reopen: each with the state it must be in."""

import hashlib

import pytest

from apps.casework.models import ReplyTemplate
from apps.casework.selectors import route_choices
from apps.casework.services import (
    ticket_approve,
    ticket_claim,
    ticket_evidence_request,
    ticket_refuse,
    ticket_reopen,
    ticket_route,
)
from apps.complaints.models import ComplaintStatus
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.policy.models import AlternativeRoute, DocumentRequirement, SpecialCase
from apps.sla.services import ticket_clock_start
from apps.tickets.models import EventKind, TicketStatus
from tests.casework.conftest import agent_with, received_ticket, shanghai
from tests.factories import DraftFactory, tier

pytestmark = pytest.mark.django_db


def provide(ticket, *codes: str) -> None:
    """Attach evidence files standing for these required documents."""
    for code in codes:
        EvidenceFile.objects.create(
            ticket=ticket,
            tier=tier("core"),
            document=DocumentRequirement.objects.get(code=code),
            file=f"evidence/{code}.pdf",
            original_name=f"{code}.pdf",
            detected_type="application/pdf",
            size=1000,
            sha256=hashlib.sha256(code.encode()).hexdigest(),
        )


def held_ticket(agent, **kwargs):
    ticket = received_ticket(**kwargs)
    return ticket_claim(ticket_id=ticket.pk, agent=agent)


# ------------------------------------------------------------------------------------ approve
def test_an_approval_with_the_documents_withdraws_the_complaint(agent, now):
    ticket = held_ticket(agent)
    provide(ticket, "withdrawal_proof", "legal_documents")
    approved = ticket_approve(
        ticket_id=ticket.pk, agent=agent, note="Proof checked.", expected_version=ticket.version
    )
    approved.refresh_from_db()
    assert approved.status == TicketStatus.APPROVED
    assert (approved.decided_by, approved.decided_at) == (agent, shanghai("2026-11-24 10:00"))
    assert approved.decision_reason == "Proof checked."
    assert approved.next_transition_at is None
    assert approved.complaint.status == ComplaintStatus.WITHDRAWN
    event = approved.events.get(kind=EventKind.DECIDED)
    assert (event.from_value, event.to_value, event.actor) == ("assigned", "approved", agent)


def test_an_approval_names_the_missing_documents(agent):
    ticket = held_ticket(agent)
    provide(ticket, "withdrawal_proof")
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=agent)
    assert refused.value.extra["documents"] == ["legal_documents"]
    assert refused.value.message == "These documents are missing: Legal documents."


def test_a_special_case_needs_its_documents_too(agent):
    ticket = held_ticket(agent)
    ticket.special_case = SpecialCase.objects.get(code="minor")
    ticket.save(update_fields=["special_case"])
    provide(ticket, "withdrawal_proof", "legal_documents", "guardian_identity")
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=agent)
    assert refused.value.extra["documents"] == ["birth_certificate"]


def test_a_later_stage_asks_for_what_it_needs_to_go_on(agent, now):
    now(shanghai("2026-11-24 16:00"))  # filed 09:30: six and a half hours, the evidence check
    ticket = held_ticket(agent)
    provide(ticket, "withdrawal_proof", "legal_documents")
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=agent)
    assert refused.value.extra["documents"] == ["supplementary_proof"]


def test_a_fraud_report_is_never_approved(db):
    fraud_agent = agent_with(types=("fraud",))
    ticket = held_ticket(fraud_agent, type_code="fraud")
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=fraud_agent)
    assert refused.value.extra["code"] == "never_withdrawable"
    assert refused.value.message == (
        "A complaint of this type (Fraud report) can never be withdrawn: refuse it with the reason."
    )
    template = ReplyTemplate.objects.get(code="fraud_report")
    refused_ticket = ticket_refuse(ticket_id=ticket.pk, agent=fraud_agent, template_id=template.pk)
    assert refused_ticket.status == TicketStatus.REFUSED


def test_a_handled_complaint_is_not_approved_and_goes_only_to_reconsideration(agent, now):
    now(shanghai("2026-11-24 10:00"))
    ticket = held_ticket(agent, filed="2026-11-20 09:00")  # 97 hours old: handled
    provide(ticket, "withdrawal_proof", "legal_documents")
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=agent)
    assert refused.value.extra["code"] == "irreversible"
    assert [choice.value for choice in route_choices(ticket=ticket, now=shanghai("2026-11-24 10:00"))] == [
        "administrative_reconsideration"
    ]
    with pytest.raises(ApplicationError) as courts:
        ticket_route(ticket_id=ticket.pk, agent=agent, route=AlternativeRoute.objects.get(code="courts"))
    assert (
        courts.value.message == "The complaint has been handled: only administrative reconsideration remains."
    )
    routed = ticket_route(ticket_id=ticket.pk, agent=agent, route=None)
    assert (routed.status, routed.route) == (TicketStatus.ROUTED, None)
    assert routed.decision_reason == "administrative reconsideration"
    assert routed.events.get(kind=EventKind.DECIDED).data["route"] == "administrative_reconsideration"


def test_a_decision_needs_the_holder_and_an_open_ticket(agent, supervisor):
    ticket = held_ticket(agent)
    with pytest.raises(ApplicationError) as stranger:
        ticket_refuse(ticket_id=ticket.pk, agent=agent_with(), reason="No.")
    assert stranger.value.extra["code"] == "not_assignee"
    ticket_refuse(ticket_id=ticket.pk, agent=supervisor, reason="Evidence is incomplete.")
    with pytest.raises(ApplicationError) as closed:
        ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Again.")
    assert closed.value.message == "This ticket has already been closed: it is refused."


def test_deciding_while_waiting_ends_the_wait(agent, now):
    ticket = held_ticket(agent)
    ticket_evidence_request(ticket_id=ticket.pk, agent=agent, message="Add the legal documents.")
    now(shanghai("2026-11-24 11:00"))
    decided = ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Nothing came.")
    assert (decided.paused_seconds, decided.waiting_since) == (3600, None)


# ------------------------------------------------------------------------------------- refuse
def test_a_refusal_with_a_template_speaks_the_requesters_language(agent, requester):
    ticket = held_ticket(agent, requester=requester)  # prefers English
    template = ReplyTemplate.objects.get(code="respondent_consent_missing")
    refused = ticket_refuse(ticket_id=ticket.pk, agent=agent, template_id=template.pk)
    assert refused.decision_reason == template.body_en
    assert refused.events.get(kind=EventKind.DECIDED).data["template"] == "respondent_consent_missing"


def test_an_edited_template_keeps_the_agents_words(agent):
    ticket = held_ticket(agent)
    template = ReplyTemplate.objects.get(code="evidence_incomplete")
    refused = ticket_refuse(ticket_id=ticket.pk, agent=agent, template_id=template.pk, reason="Edited text.")
    assert refused.decision_reason == "Edited text."


def test_a_refusal_needs_a_reason_and_an_offered_template(agent):
    ticket = held_ticket(agent)
    with pytest.raises(ApplicationError) as empty:
        ticket_refuse(ticket_id=ticket.pk, agent=agent)
    assert empty.value.extra["field"] == "reason"
    retired = ReplyTemplate.objects.get(code="no_reply")
    retired.active = False
    retired.save()
    with pytest.raises(ApplicationError) as inactive:
        ticket_refuse(ticket_id=ticket.pk, agent=agent, template_id=retired.pk)
    assert inactive.value.extra["field"] == "template"


def test_every_default_refusal_reason_has_a_template_in_both_languages(db):
    codes = set(ReplyTemplate.objects.values_list("code", flat=True))
    assert {
        "fraud_report",
        "withdrawal_proof_missing",
        "respondent_consent_missing",
        "platform_review_precedence",
        "special_case_documents_missing",
        "supplementary_proof_missing",
        "judicial_material_missing",
        "complaint_handled",
        "evidence_incomplete",
    } <= codes
    assert not ReplyTemplate.objects.filter(body="").exists()
    assert not ReplyTemplate.objects.filter(body_en="").exists()


# -------------------------------------------------------------------------------------- route
def test_a_ticket_is_routed_to_an_alternative_route(agent):
    ticket = held_ticket(agent)
    mediation = AlternativeRoute.objects.get(code="mediation_committee")
    routed = ticket_route(
        ticket_id=ticket.pk, agent=agent, route=mediation, note="Both sides agree to mediate."
    )
    assert (routed.status, routed.route, routed.decision_reason) == (
        TicketStatus.ROUTED,
        mediation,
        "Both sides agree to mediate.",
    )


# ------------------------------------------------------------------------------------- reopen
def test_a_supervisor_reopens_a_refused_ticket_to_its_agent(agent, supervisor, now):
    ticket = held_ticket(agent)
    ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Too early.")
    now(shanghai("2026-11-24 11:00"))
    reopened = ticket_reopen(ticket_id=ticket.pk, actor=supervisor, note="The proof arrived by post.")
    assert (reopened.status, reopened.assignee) == (TicketStatus.ASSIGNED, agent)
    assert (reopened.decided_at, reopened.decided_by, reopened.decision_reason, reopened.route) == (
        None,
        None,
        "",
        None,
    )
    assert reopened.next_transition_at == shanghai("2026-11-24 11:00")  # the clock looks again at once
    event = reopened.events.filter(kind=EventKind.STATUS_CHANGED).get(data__reason="reopened")
    assert (event.from_value, event.to_value) == ("refused", "assigned")


def test_an_agent_cannot_reopen(agent):
    ticket = held_ticket(agent)
    ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Too early.")
    with pytest.raises(ApplicationError) as refused:
        ticket_reopen(ticket_id=ticket.pk, actor=agent)
    assert refused.value.extra["code"] == "forbidden"


def test_an_open_or_approved_ticket_is_not_reopened(agent, supervisor):
    ticket = held_ticket(agent)
    with pytest.raises(ApplicationError) as refused:
        ticket_reopen(ticket_id=ticket.pk, actor=supervisor)
    assert refused.value.extra["code"] == "wrong_status"


def test_a_handled_complaint_is_not_reopened(agent, supervisor, now):
    ticket = held_ticket(agent)
    ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Too early.")
    now(shanghai("2026-11-27 09:30"))  # 72 hours after filing: handled
    with pytest.raises(ApplicationError) as refused:
        ticket_reopen(ticket_id=ticket.pk, actor=supervisor)
    assert refused.value.extra["code"] == "irreversible"
    now(shanghai("2026-11-27 09:29:59"))
    assert ticket_reopen(ticket_id=ticket.pk, actor=supervisor).status == TicketStatus.ASSIGNED


def test_a_complaint_with_another_open_ticket_is_not_reopened(agent, supervisor):
    ticket = held_ticket(agent)
    ticket_refuse(ticket_id=ticket.pk, agent=agent, reason="Too early.")
    second = DraftFactory(complaint=ticket.complaint)
    ticket_clock_start(
        ticket_id=second.pk, submitted_at=shanghai("2026-11-24 10:00"), now=shanghai("2026-11-24 10:00")
    )
    with pytest.raises(ApplicationError) as refused:
        ticket_reopen(ticket_id=ticket.pk, actor=supervisor)
    assert refused.value.extra["code"] == "duplicate"


def test_an_expired_ticket_whose_handling_time_is_over_stays_expired(supervisor):
    fraud_agent = agent_with(types=("fraud",))
    ticket = held_ticket(fraud_agent, type_code="fraud")  # frozen at once: resolved on receipt
    ticket.status = TicketStatus.EXPIRED
    ticket.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as refused:
        ticket_reopen(ticket_id=ticket.pk, actor=supervisor)
    assert refused.value.extra["code"] == "expired"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXPIRED  # nothing of the attempt was kept
    assert not ticket.events.filter(data__reason="reopened").exists()


def test_an_open_complaint_may_go_to_any_route_or_to_reconsideration(agent):
    ticket = held_ticket(agent)
    choices = route_choices(ticket=ticket, now=shanghai("2026-11-24 10:00"))
    assert [choice.value for choice in choices] == [
        "official_customer_service",
        "courts",
        "mediation_committee",
        "arbitration",
        "administrative_reconsideration",
    ]
