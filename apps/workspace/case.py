"""What the case page shows: intake, letter with the coach's findings, evidence, checklist, timeline."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.accounts.models import User
from apps.casework.models import ContactChannel
from apps.casework.selectors import RouteChoice, reply_templates_offered, route_choices
from apps.casework.services import personal_data_masked
from apps.casework.services.personal_data import PersonalDataField
from apps.evidence.models import EvidenceFile
from apps.intake.selectors import TicketProgress, ticket_progress
from apps.tickets.letter_coach_messages import findings_render
from apps.tickets.letters import letter_check
from apps.tickets.models import Letter, TicketStatus, WithdrawalTicket

DECIDABLE = (TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER)
CLAIMABLE = (TicketStatus.RECEIVED, TicketStatus.WAITING_ON_REQUESTER)
REOPENABLE = (TicketStatus.REFUSED, TicketStatus.ROUTED, TicketStatus.EXPIRED)


@dataclass
class CaseView:
    ticket: WithdrawalTicket
    progress: TicketProgress
    letter: Letter | None
    coach_score: int | None
    findings: list[dict[str, Any]]
    files: list[EvidenceFile]
    masked: dict[str, str]
    personal_fields: list[tuple[str, str, str]]
    routes: list[RouteChoice]
    templates: list[Any]
    channels: list[tuple[str, str]]
    can_claim: bool
    can_act: bool
    can_assign: bool
    can_reopen: bool
    can_reveal: bool
    agents: list[User]


def case_view(*, ticket: WithdrawalTicket, viewer: User, now: datetime) -> CaseView:
    """Everything the case page shows about one ticket the viewer may see."""
    letter = Letter.objects.filter(ticket=ticket).first()
    # The coach reads the letter as it stands, in the viewer's language and today's phrase list.
    report = letter_check(
        complaint_time=letter.complaint_time, respondent=letter.respondent, reason=letter.reason,
        body=letter.body,
    ) if letter else None
    masked = personal_data_masked(ticket=ticket)
    supervisor = viewer.has_perm("tickets.supervise_tickets")
    handler = ticket.assignee_id == viewer.pk or supervisor
    agents: list[User] = []
    if supervisor:
        agents = list(
            User.objects.filter(is_active=True, agent_profile__isnull=False)
            .order_by("display_name", "username")
        )
    return CaseView(
        ticket=ticket,
        progress=ticket_progress(ticket=ticket, now=now),
        letter=letter,
        coach_score=report.score if report else None,
        findings=findings_render(report.findings) if report else [],
        files=list(ticket.evidence_files.select_related("tier", "document")),
        masked=masked,
        personal_fields=[
            (code, str(PersonalDataField(code).label), masked.get(code, ""))
            for code in PersonalDataField.values
        ],
        routes=route_choices(ticket=ticket, now=now),
        templates=list(reply_templates_offered()),
        channels=[(value, str(label)) for value, label in ContactChannel.choices],
        can_claim=ticket.assignee_id is None and ticket.status in CLAIMABLE,
        can_act=handler and ticket.status in DECIDABLE,
        can_assign=supervisor and ticket.is_open and ticket.status != TicketStatus.DRAFT,
        can_reopen=supervisor and ticket.status in REOPENABLE,
        can_reveal=viewer.has_perm("tickets.reveal_personal_data"),
        agents=agents,
    )
