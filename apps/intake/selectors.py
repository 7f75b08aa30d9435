"""Reads for requesters: where a draft stands, and what a sent ticket's clock says now."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.evidence.models import EvidenceFile
from apps.intake.services import STEP_FIELDS
from apps.policy.models import AlternativeRoute, DocumentRequirement, EvidenceTier, PolicySettings, Stage
from apps.sla.aging import success_estimate
from apps.sla.policy import stage_specs
from apps.sla.selectors import localized
from apps.tickets.models import OPEN_STATUSES, EventKind, TicketEvent, TicketStatus, WithdrawalTicket

FINAL_ROUTE_STATUSES = (TicketStatus.REFUSED, TicketStatus.EXPIRED, TicketStatus.ROUTED)


def intake_step(ticket: WithdrawalTicket) -> int:
    """The first intake step (1-5) the draft has not completed."""
    if ticket.entry_completed_at is None:
        return 1
    if ticket.complaint_number_completed_at is None:
        return 2
    if ticket.identity_verified_at is None:
        return 3
    if ticket.letter_completed_at is None:
        return 4
    return 5


def requester_tickets(*, requester: User) -> QuerySet[WithdrawalTicket]:
    """The requester's own tickets, newest first, with what the list shows, in a fixed number of queries."""
    return (
        WithdrawalTicket.objects.filter(requester=requester)
        .exclude(status=TicketStatus.CANCELLED, submitted_at__isnull=True)  # abandoned drafts
        .select_related("platform", "complaint_type", "stage", "complaint", "route")
        .annotate(tiers_present=Count("evidence_files__tier", distinct=True))
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime
    passed: bool
    met_at: datetime | None = None


@dataclass
class DocumentCheck:
    document: DocumentRequirement
    present: bool
    why: str


@dataclass
class TicketProgress:
    """Everything the requester's ticket page shows about the clock, the evidence and the way on."""

    ticket: WithdrawalTicket
    estimate: float | None
    stage: Stage | None
    stage_left: timedelta | None
    deadlines: list[Deadline]
    tiers: list[tuple[EvidenceTier, bool]]
    complete_chain_multiplier: float
    documents: list[DocumentCheck]
    routes: list[AlternativeRoute] = field(default_factory=list)

    @property
    def tiers_missing(self) -> list[EvidenceTier]:
        return [tier for tier, present in self.tiers if not present]

    @property
    def documents_missing(self) -> list[DocumentCheck]:
        return [check for check in self.documents if not check.present]


def stage_names() -> dict[str, str]:
    """Each stage's name in the reader's language, by code (one query)."""
    return {stage.code: localized(stage, "name") for stage in Stage.objects.all()}


def event_detail(event: TicketEvent, stage_names: dict[str, str]) -> str:
    """What an event changed, named for a person: the intake step, the new status, the new stage."""
    if event.kind == EventKind.INTAKE_STEP and event.to_value.isdigit() and 1 <= int(event.to_value) <= 5:
        field = WithdrawalTicket._meta.get_field(STEP_FIELDS[int(event.to_value) - 1])
        return str(getattr(field, "verbose_name", ""))
    if event.kind in (EventKind.STATUS_CHANGED, EventKind.DECIDED, EventKind.SUBMITTED, EventKind.RECEIVED):
        return str(TicketStatus(event.to_value).label) if event.to_value in TicketStatus.values else ""
    if event.kind == EventKind.STAGE_CHANGED:
        return stage_names.get(event.to_value, event.to_value)  # the clock records the stage's code
    return ""


def ticket_estimate(
    *, ticket: WithdrawalTicket, now: datetime, tiers_present: int, tiers_total: int, multiplier: float,
    specs: tuple | None = None,
) -> float | None:
    """The current success estimate of an open ticket's complaint, or None when nothing is pending."""
    if ticket.status not in OPEN_STATUSES or ticket.complaint_filed_at is None:
        return None
    return success_estimate(
        specs if specs is not None else stage_specs(),
        now - ticket.complaint_filed_at,
        tiers_present=tiers_present,
        tiers_total=tiers_total,
        complete_multiplier=multiplier,
    )


def ticket_required_documents(*, ticket: WithdrawalTicket) -> list[DocumentCheck]:
    """Each document the type, the stage and any special case require, ticked present or missing."""
    provided = set(
        EvidenceFile.objects.filter(ticket=ticket, document__isnull=False)
        .values_list("document_id", flat=True)
    )
    checks: dict[int, DocumentCheck] = {}
    sources: list[tuple[QuerySet[DocumentRequirement], str]] = []
    if ticket.complaint_type is not None:
        sources.append((ticket.complaint_type.required_documents.all(), _("needed for this complaint type")))
    if ticket.special_case is not None:
        sources.append((ticket.special_case.documents.all(), _("needed for your special case")))
    if ticket.stage is not None:
        sources.append((ticket.stage.needed_documents.all(), _("needed in this stage")))
    for documents, why in sources:
        for document in documents:
            if document.pk not in checks:
                checks[document.pk] = DocumentCheck(document, document.pk in provided, why)
    return list(checks.values())


def ticket_progress(*, ticket: WithdrawalTicket, now: datetime) -> TicketProgress:
    """The clock, evidence and documents of one ticket as the requester sees them now."""
    settings = PolicySettings.objects.get()
    tiers = list(EvidenceTier.objects.all())
    present_ids = set(EvidenceFile.objects.filter(ticket=ticket).values_list("tier_id", flat=True))
    multiplier = float(settings.complete_chain_odds_multiplier)
    deadlines: list[Deadline] = []
    if ticket.received_at is not None and ticket.status not in (TicketStatus.DRAFT,):
        if ticket.first_contact_due_at:
            deadlines.append(Deadline(
                _("Contact customer service by"), ticket.first_contact_due_at,
                ticket.first_contact_due_at <= now and ticket.first_contact_at is None,
                ticket.first_contact_at,
            ))
        if ticket.decision_due_at:
            deadlines.append(Deadline(
                _("Decision due by"), ticket.decision_due_at,
                ticket.decision_due_at <= now and ticket.decided_at is None, ticket.decided_at,
            ))
        if ticket.complaint_resolution_at:
            deadlines.append(Deadline(
                _("The platform resolves the complaint by"), ticket.complaint_resolution_at,
                ticket.complaint_resolution_at <= now, None,
            ))
    stage_left = None
    if ticket.status in OPEN_STATUSES and ticket.stage_ends_at is not None:
        stage_left = max(ticket.stage_ends_at - now, timedelta(0))
    routes = list(AlternativeRoute.objects.all()) if ticket.status in FINAL_ROUTE_STATUSES else []
    return TicketProgress(
        ticket=ticket,
        estimate=ticket_estimate(
            ticket=ticket, now=now, tiers_present=len(present_ids), tiers_total=len(tiers),
            multiplier=multiplier,
        ),
        stage=ticket.stage,
        stage_left=stage_left,
        deadlines=deadlines,
        tiers=[(tier, tier.pk in present_ids) for tier in tiers],
        complete_chain_multiplier=multiplier,
        documents=ticket_required_documents(ticket=ticket),
        routes=routes,
    )
