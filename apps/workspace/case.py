"""What the case page shows: the thread, intake, letter with the coach's findings, evidence, checklist."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from apps.accounts.models import User
from apps.casework.models import ContactChannel
from apps.casework.selectors import RouteChoice, reply_templates_offered, route_choices
from apps.casework.services import (
    RevealPurpose,
    claim_refusal,
    missing_documents,
    personal_data_masked,
    reveal_refusal,
)
from apps.casework.services.common import complaint_stage
from apps.casework.services.personal_data import PersonalDataField
from apps.conversation.selectors import ThreadEntry, thread_for
from apps.conversation.services import MAX_ATTACHMENTS, MESSAGE_STATUSES
from apps.evidence.models import EvidenceFile
from apps.intake.selectors import TicketProgress, ticket_progress
from apps.policy.models import DocumentRequirement, EvidenceTier
from apps.tickets.letter_coach_messages import findings_render
from apps.tickets.letters import letter_check
from apps.tickets.models import Letter, WithdrawalTicket
from apps.workspace.actions import (
    ActionSection,
    CaseAction,
    action_sections,
    case_actions,
    confirmation_text,
)


@dataclass(frozen=True)
class PersonalField:
    code: str
    label: str
    masked: str
    can_reveal: bool  # the viewer may ask to see it unmasked (with a reason)


@dataclass
class CaseView:
    ticket: WithdrawalTicket
    progress: TicketProgress
    letter: Letter | None
    coach_score: int | None
    findings: list[dict[str, Any]]
    files: list[EvidenceFile]
    masked: dict[str, str]
    personal_fields: list[PersonalField]
    purposes: list[tuple[str, str]]
    routes: list[RouteChoice]
    templates: list[Any]
    channels: list[tuple[str, str]]
    can_claim: bool
    can_act: bool
    can_assign: bool
    can_reopen: bool
    can_reveal: bool
    agents: list[User]
    actions: list[ActionSection]
    action: dict[str, CaseAction]  # by code, for the forms
    replies: list[tuple[Any, str]]  # refusal templates with their text in the requester's language
    confirmations: dict[str, str]  # what each decision that cannot be taken back does, for its dialog
    thread: list[ThreadEntry]
    can_reply: bool  # write to the requester: the ticket's agent or a supervisor, while the thread is open
    can_file: bool  # file an attachment as evidence
    reply_closed: str  # why the viewer cannot reply to the requester (only notes), or ""
    tiers: list[EvidenceTier]
    documents: list[DocumentRequirement]
    max_attachments: int = MAX_ATTACHMENTS


def _enabled(actions: dict[str, CaseAction], code: str) -> bool:
    return code in actions and actions[code].enabled


def reads_for_staff(*, ticket: WithdrawalTicket, viewer: User) -> bool:
    """Whether this viewer opening the case page reads the requester's messages for customer service.

    The agent holding the ticket reads them; a ticket nobody holds is read by whoever opens it.
    A supervisor or colleague looking over a held ticket leaves them unread for its agent.
    """
    return ticket.assignee_id is None or ticket.assignee_id == viewer.pk


def _reply_closed(ticket: WithdrawalTicket, can_reply: bool) -> str:
    if can_reply:
        return ""
    if ticket.status not in MESSAGE_STATUSES:
        return gettext("The conversation with the requester is closed; internal notes can still be added.")
    if ticket.assignee_id is None:
        return gettext("Claim this ticket to reply to the requester; anyone may add internal notes.")
    return gettext(
        "This ticket is with %(agent)s: only they or a supervisor reply to the requester. "
        "You can add internal notes."
    ) % {"agent": ticket.assignee}


def case_view(*, ticket: WithdrawalTicket, viewer: User, now: datetime) -> CaseView:
    """Everything the case page shows about one ticket the viewer may see."""
    letter = Letter.objects.filter(ticket=ticket).first()
    # The coach reads the letter as it stands, in the viewer's language and today's phrase list.
    report = letter_check(
        complaint_time=letter.complaint_time, respondent=letter.respondent, reason=letter.reason,
        body=letter.body,
    ) if letter else None
    masked = personal_data_masked(ticket=ticket)
    progress = ticket_progress(ticket=ticket, now=now)
    supervisor = viewer.has_perm("tickets.supervise_tickets")
    actions = case_actions(
        ticket=ticket, viewer=viewer, stage=complaint_stage(ticket, now),
        missing=lambda: missing_documents(ticket, now), claim=lambda: claim_refusal(ticket, viewer),
    )
    by_code = {action.code: action for action in actions}
    templates = list(reply_templates_offered())
    language = ticket.requester.preferred_language if ticket.requester is not None else None
    handler = ticket.assignee_id == viewer.pk or supervisor
    can_reply = handler and ticket.status in MESSAGE_STATUSES
    agents: list[User] = []
    if supervisor:
        agents = list(
            User.objects.filter(is_active=True, agent_profile__isnull=False)
            .order_by("display_name", "username")
        )
    return CaseView(
        ticket=ticket,
        progress=progress,
        letter=letter,
        coach_score=report.score if report else None,
        findings=findings_render(report.findings) if report else [],
        files=list(ticket.evidence_files.select_related("tier", "document")),
        masked=masked,
        personal_fields=[
            PersonalField(
                code=code, label=str(PersonalDataField(code).label), masked=masked.get(code, ""),
                can_reveal=bool(masked.get(code)) and reveal_refusal(ticket, viewer, code) is None,
            )
            for code in PersonalDataField.values
        ],
        purposes=[(value, str(label)) for value, label in RevealPurpose.choices],
        routes=route_choices(ticket=ticket, now=now),
        templates=templates,
        channels=[(value, str(label)) for value, label in ContactChannel.choices],
        can_claim=_enabled(by_code, "claim"),
        can_act=_enabled(by_code, "refuse"),
        can_assign=_enabled(by_code, "assign"),
        can_reopen=_enabled(by_code, "reopen"),
        can_reveal=viewer.has_perm("tickets.reveal_personal_data"),
        agents=agents,
        actions=action_sections(actions),
        action=by_code,
        replies=[(template, template.body_for(language)) for template in templates],
        confirmations={
            action.code: confirmation_text(code=action.code, ticket=ticket)
            for action in actions
            if action.confirm
        },
        thread=thread_for(ticket=ticket, staff=True),
        can_reply=can_reply,
        reply_closed=_reply_closed(ticket, can_reply),
        can_file=handler,
        tiers=[tier for tier, _present in progress.tiers] if handler else [],
        documents=[check.document for check in progress.documents] if handler else [],
    )
