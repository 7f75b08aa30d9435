"""Which actions the case page offers, grouped by what can be done now, each saying why it cannot.

The rules are the casework services' own (`apps.casework.services.rules`): each action asks the
function its service raises from, so the page never offers what the service would refuse, and
a disabled action names the reason the service would give.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.models import User
from apps.casework.services.common import SUPERVISE_PERMISSION
from apps.casework.services.rules import (
    DECIDABLE_STATUSES,
    REOPENABLE_STATUSES,
    approval_refusal,
    assignment_refusal,
    contact_refusal,
    decision_refusal,
    evidence_request_refusal,
    reopen_refusal,
)
from apps.core.errors import ApplicationError
from apps.policy.models import DocumentRequirement, Stage
from apps.tickets.models import QUEUE_STATUSES, TicketStatus, WithdrawalTicket


class Group(StrEnum):
    NOW = "now"  # what the ticket's state calls for, and the viewer can do
    DECIDE = "decide"  # approve, refuse, route
    OTHER = "other"  # the rest, and what the state calls for that the viewer cannot do


GROUP_LABELS: dict[Group, Promise] = {
    Group.NOW: gettext_lazy("Now"),
    Group.DECIDE: gettext_lazy("Decide"),
    Group.OTHER: gettext_lazy("Other"),
}
LABELS: dict[str, Promise] = {
    "claim": gettext_lazy("Claim this ticket"),
    "contact": gettext_lazy("Log contact"),
    "request_evidence": gettext_lazy("Ask and pause the deadline"),
    "approve": gettext_lazy("Approve the withdrawal"),
    "refuse": gettext_lazy("Refuse"),
    "route": gettext_lazy("Send to this route"),
    "assign": gettext_lazy("Assign"),
    "reopen": gettext_lazy("Reopen the ticket"),
}
# Decisions the person taking them cannot take back (only a supervisor reopens): asked twice.
CONFIRMED = frozenset({"refuse", "route"})


@dataclass(frozen=True)
class CaseAction:
    code: str
    group: Group
    why_not: str = ""  # the service's refusal, in words, when the action cannot be done now
    confirm: bool = False

    @property
    def enabled(self) -> bool:
        return not self.why_not

    @property
    def label(self) -> str:
        return str(LABELS[self.code])


@dataclass(frozen=True)
class ActionSection:
    group: Group
    actions: list[CaseAction] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self.group])


def _why(refusal: ApplicationError | None) -> str:
    return refusal.message if refusal is not None else ""


def case_actions(
    *,
    ticket: WithdrawalTicket,
    viewer: User,
    stage: Stage | None,
    missing: Callable[[], list[DocumentRequirement]],
    claim: Callable[[], ApplicationError | None],
) -> list[CaseAction]:
    """The actions the case page shows for this ticket and viewer, each enabled or with its reason.

    `stage` is the complaint's stage now; `missing` gives the documents still missing and `claim`
    the claim's refusal (both read from the database, so asked only when needed). Actions that do
    not belong to the ticket's state are left out: a closed ticket offers no decision, an open one
    no reopening, a held one no claiming, and only supervisors see assigning.
    """
    missing_once = cache(missing)
    supervisor = viewer.is_active and viewer.has_perm(SUPERVISE_PERMISSION)
    actions: list[CaseAction] = []

    def add(code: str, natural: Group, refusal: ApplicationError | None) -> None:
        why = _why(refusal)
        # "Now" is what the viewer can do next; what they cannot do waits under "Other", saying why.
        group = Group.OTHER if natural == Group.NOW and why else natural
        actions.append(CaseAction(code=code, group=group, why_not=why, confirm=code in CONFIRMED))

    if ticket.status in QUEUE_STATUSES:
        if ticket.assignee_id is None:
            refused = claim()
            # A supervisor without an agent profile assigns (themselves too) rather than claims.
            if not (supervisor and refused is not None and refused.extra.get("code") == "no_profile"):
                add("claim", Group.NOW, refused)
        contacted = ticket.first_contact_at is not None
        add("contact", Group.OTHER if contacted else Group.NOW, contact_refusal(ticket, viewer))
        ask_refusal = evidence_request_refusal(ticket, viewer)
        # Once the requester has been reached, documents still missing call for asking for them.
        asks = ask_refusal is None and contacted and ticket.status == TicketStatus.ASSIGNED
        asks = asks and bool(missing_once())
        add("request_evidence", Group.NOW if asks else Group.OTHER, ask_refusal)
    if ticket.status in DECIDABLE_STATUSES:
        decision = decision_refusal(ticket, viewer)
        add("approve", Group.DECIDE, decision or approval_refusal(ticket, stage=stage, missing=missing_once))
        add("refuse", Group.DECIDE, decision)
        add("route", Group.DECIDE, decision)
    if supervisor and ticket.status in QUEUE_STATUSES:
        add("assign", Group.OTHER, assignment_refusal(ticket, viewer))
    if ticket.status in REOPENABLE_STATUSES:
        add("reopen", Group.NOW, reopen_refusal(ticket, viewer, stage=lambda: stage))
    return actions


def action_sections(actions: list[CaseAction]) -> list[ActionSection]:
    """The actions by group, in the order Now, Decide, Other; "Now" is always there, maybe empty."""
    sections = [ActionSection(group, [a for a in actions if a.group == group]) for group in Group]
    return [s for s in sections if s.actions or s.group == Group.NOW]


def confirmation_text(*, code: str, ticket: WithdrawalTicket, route: str = "") -> str:
    """What a decision that cannot be taken back will do, and to whom, in words for the dialog."""
    requester = str(ticket.requester) if ticket.requester_id else gettext("the requester")
    if code == "refuse":
        return gettext(
            "Ticket %(reference)s is refused. %(requester)s is told the reason below and shown the "
            "other routes. Only a supervisor can reopen it."
        ) % {"reference": ticket.reference, "requester": requester}
    return gettext(
        "Ticket %(reference)s closes and %(requester)s is sent to %(route)s. Only a supervisor can "
        "reopen it."
    ) % {
        "reference": ticket.reference,
        "requester": requester,
        "route": route or gettext("the route you chose"),
    }
