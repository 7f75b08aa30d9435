"""What the case page offers, for every ticket state × viewer × documents: each action enabled, or
disabled with the reason the service itself would give, in the group it belongs to."""

from datetime import UTC, datetime
from itertools import product

import pytest
from django.utils import translation

from apps.accounts.roles import SUPERVISOR
from apps.casework.services import ticket_approve, ticket_claim
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.policy.models import ComplaintType, DocumentRequirement, Stage, Withdrawability
from apps.tickets.models import TicketStatus, WithdrawalTicket
from apps.workspace.actions import Group, action_sections, case_actions
from apps.workspace.case import case_view
from tests.workspace.conftest import agent_with, person, received_ticket

pytestmark = pytest.mark.django_db

QUEUE = {TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER}
CLOSED_REOPENABLE = {TicketStatus.REFUSED, TicketStatus.ROUTED, TicketStatus.EXPIRED}
VIEWERS = ("holder", "colleague", "unheld", "supervisor", "supervisor_unheld")
SETTLEMENT = DocumentRequirement(code="settlement", name="和解协议", name_en="settlement agreement")
CONTACTED = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def people():
    holder = agent_with()
    li_na = agent_with()
    li_na.display_name = "李娜"
    li_na.save(update_fields=["display_name"])
    return {"holder": holder, "li_na": li_na, "other": agent_with(), "supervisor": person(SUPERVISOR)}


def _situation(people, viewer_kind: str, status: str, *, contacted: bool):
    """An in-memory ticket in `status`, held as `viewer_kind` says, and who looks at it."""
    viewer = people["supervisor"] if viewer_kind.startswith("supervisor") else (
        people["holder"] if viewer_kind == "holder" else people["other"]
    )
    assignee = {
        "holder": people["holder"], "colleague": people["li_na"], "unheld": None,
        "supervisor": people["li_na"], "supervisor_unheld": None,
    }[viewer_kind]
    ticket = WithdrawalTicket(
        status=status, assignee=assignee, reference="CH-1", first_contact_at=CONTACTED if contacted else None
    )
    return ticket, viewer


def _actions(ticket, viewer, *, missing=(), stage=None, claim=None):
    return {
        a.code: a
        for a in case_actions(
            ticket=ticket, viewer=viewer, stage=stage, missing=lambda: list(missing), claim=lambda: claim
        )
    }


def test_every_state_viewer_and_document_situation(people):
    """One table, every combination: which actions appear, which are enabled, where, and why not."""
    for status, viewer_kind, missing, contacted in product(
        TicketStatus.values, VIEWERS, ((), (SETTLEMENT,)), (False, True)
    ):
        case = (status, viewer_kind, bool(missing), contacted)
        ticket, viewer = _situation(people, viewer_kind, status, contacted=contacted)
        actions = _actions(ticket, viewer, missing=missing)
        supervisor = viewer_kind.startswith("supervisor")
        handler = viewer_kind == "holder" or supervisor
        open_ = status in QUEUE

        expected = set()
        if open_:
            expected |= {"contact", "request_evidence", "approve", "refuse", "route"}
            if ticket.assignee_id is None:
                expected.add("claim")
            if supervisor:
                expected.add("assign")
        if status in CLOSED_REOPENABLE:
            expected.add("reopen")
        assert set(actions) == expected, case

        for code in ("approve", "refuse", "route"):
            if code not in actions:
                continue
            decision = actions[code]
            assert decision.group == Group.DECIDE, case
            allowed = handler and not (code == "approve" and missing)
            assert decision.enabled == allowed, case
            assert decision.confirm == (code != "approve"), case
            if viewer_kind == "colleague":
                assert "李娜" in decision.why_not, case
            elif viewer_kind == "unheld":
                assert decision.why_not == "Claim this ticket before working on it.", case
            elif code == "approve" and missing:
                assert decision.why_not == "These documents are missing: settlement agreement.", case

        if "request_evidence" in actions:
            ask = actions["request_evidence"]
            assert ask.enabled == (handler and status in (TicketStatus.RECEIVED, TicketStatus.ASSIGNED)), case
            calls_for_it = ask.enabled and contacted and status == TicketStatus.ASSIGNED and bool(missing)
            assert (ask.group == Group.NOW) == calls_for_it, case
        if "contact" in actions:
            contact = actions["contact"]
            assert contact.enabled == handler, case
            assert (contact.group == Group.NOW) == (handler and not contacted), case
        if "reopen" in actions:
            reopen = actions["reopen"]
            assert reopen.enabled == supervisor, case
            assert reopen.group == (Group.NOW if supervisor else Group.OTHER), case
            if not supervisor:
                assert reopen.why_not == "Only a supervisor can reopen a ticket.", case
        if "claim" in actions:
            assert actions["claim"].enabled and actions["claim"].group == Group.NOW, case
        # "Now" only ever holds what this viewer can do.
        assert all(a.enabled for a in actions.values() if a.group == Group.NOW), case
        # Every action that cannot be done says why, in words.
        assert all(a.why_not.strip() for a in actions.values() if not a.enabled), case


def test_a_claim_the_service_would_refuse_is_shown_disabled_with_its_reason(people):
    ticket, viewer = _situation(people, "unheld", TicketStatus.RECEIVED, contacted=False)
    refusal = ApplicationError("You do not handle Alipay tickets.", extra={"code": "out_of_scope"})
    claim = _actions(ticket, viewer, claim=refusal)["claim"]
    assert not claim.enabled
    assert claim.why_not == "You do not handle Alipay tickets."
    assert claim.group == Group.OTHER


def test_a_supervisor_without_an_agent_profile_assigns_rather_than_claims(people):
    ticket, viewer = _situation(people, "supervisor_unheld", TicketStatus.RECEIVED, contacted=False)
    refusal = ApplicationError("You have no agent profile yet.", extra={"code": "no_profile"})
    actions = _actions(ticket, viewer, claim=refusal)
    assert "claim" not in actions
    assert actions["assign"].enabled


def test_approval_says_why_a_complaint_cannot_be_withdrawn(people):
    ticket, viewer = _situation(people, "holder", TicketStatus.ASSIGNED, contacted=True)
    handled = Stage(code="handled", name="已处理", name_en="handled", irreversible=True)
    approve = _actions(ticket, viewer, stage=handled)["approve"]
    assert not approve.enabled and "no longer be withdrawn" in approve.why_not

    ticket.complaint_type = ComplaintType(
        code="x", name="诈骗", name_en="fraud", withdrawability=Withdrawability.NEVER
    )
    approve = _actions(ticket, viewer)["approve"]
    assert not approve.enabled and "can never be withdrawn" in approve.why_not


def test_the_missing_documents_are_read_only_when_they_matter(people):
    ticket, viewer = _situation(people, "colleague", TicketStatus.ASSIGNED, contacted=True)
    asked = []
    case_actions(
        ticket=ticket, viewer=viewer, stage=None, missing=lambda: asked.append(1) or [], claim=lambda: None
    )
    assert asked == []  # a colleague cannot decide: no need to know what is missing


def test_the_reason_is_given_in_chinese(people):
    ticket, viewer = _situation(people, "holder", TicketStatus.ASSIGNED, contacted=True)
    with translation.override("zh-hans"):
        approve = _actions(ticket, viewer, missing=(SETTLEMENT,))["approve"]
        assert "和解协议" in approve.why_not and approve.why_not.startswith("缺少")
        colleague_ticket, colleague = _situation(people, "colleague", TicketStatus.ASSIGNED, contacted=True)
        assert "李娜" in _actions(colleague_ticket, colleague)["refuse"].why_not


def test_sections_come_in_order_now_decide_other_and_now_is_always_there(people):
    ticket, viewer = _situation(people, "colleague", TicketStatus.ASSIGNED, contacted=True)
    sections = action_sections(case_actions(
        ticket=ticket, viewer=viewer, stage=None, missing=list, claim=lambda: None
    ))
    assert [s.group for s in sections] == [Group.NOW, Group.DECIDE, Group.OTHER]
    assert sections[0].actions == []


def test_the_page_and_the_service_give_the_same_reason(now):
    """The rule is the service's: approving with documents missing fails with the page's own words."""
    agent = agent_with()
    ticket = ticket_claim(ticket_id=received_ticket().pk, agent=agent)

    shown = case_view(ticket=ticket, viewer=agent, now=clock.now())
    with pytest.raises(ApplicationError) as refused:
        ticket_approve(ticket_id=ticket.pk, agent=agent)

    assert not shown.action["approve"].enabled
    assert shown.action["approve"].why_not == refused.value.message
