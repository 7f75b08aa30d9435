"""The agent queue: which tickets an agent sees, filtered, in the order that costs least to follow.

Order: first the tickets whose stage loses the most success per hour of waiting (the stage's
hourly loss at entry, computed from the policy curves: preliminary review before evidence check
before final review before handled), then the nearest decision deadline, then the ticket id.
Pages are read with a keyset cursor, one query per stage at most, so a page costs the same
whatever the queue's length and wherever in it the page is.
"""

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import AgentProfile, User
from apps.conversation.selectors import unread_by_staff
from apps.core.converters import id_from_text
from apps.evidence.models import EvidenceFile
from apps.policy.models import ComplaintType, EvidenceTier, PolicySettings, SpecialCase, Stage
from apps.sla.aging import StageSpec, success_estimate
from apps.sla.policy import stage_specs
from apps.tickets.models import QUEUE_STATUSES, WithdrawalTicket
from apps.tickets.selectors import ticket_scope_q

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SOON = timedelta(hours=1)


class Tab:
    MINE = "mine"
    UNASSIGNED = "unassigned"
    TEAM = "team"
    ALL = "all"


@dataclass(frozen=True)
class QueueFilters:
    tab: str = Tab.MINE
    platform: int | None = None
    complaint_type: int | None = None
    stage: int | None = None
    special_case: int | None = None
    urgency: str = ""  # "breached", "soon" or ""
    missing_documents: bool = False
    search: str = ""


@dataclass
class QueueRow:
    ticket: WithdrawalTicket
    estimate: float | None
    stage_left: timedelta | None
    tiers: list[tuple[EvidenceTier, bool]]
    hourly_loss: float


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    tabs: list[str]
    stages: list[Stage] = field(default_factory=list)


def stage_ranking(specs: tuple[StageSpec, ...]) -> list[StageSpec]:
    """Stages by what an hour of waiting costs on entering them, the costliest first."""
    return sorted(specs, key=lambda spec: (-spec.hourly_loss(0.0), spec.starts_at_hour))


def queue_tabs(*, user: User) -> list[str]:
    tabs = [Tab.MINE, Tab.UNASSIGNED, Tab.TEAM]
    if user.has_perm("tickets.supervise_tickets"):
        tabs.append(Tab.ALL)
    return tabs


def _missing_documents_q() -> Q:
    """A required document of the type or the special case has no evidence file for it yet."""
    provided = EvidenceFile.objects.filter(
        ticket=OuterRef(OuterRef("pk")), document_id=OuterRef("documentrequirement_id")
    )
    by_type = ComplaintType.required_documents.through.objects.filter(
        complainttype_id=OuterRef("complaint_type_id")
    ).exclude(Exists(provided))
    by_case = SpecialCase.documents.through.objects.filter(
        specialcase_id=OuterRef("special_case_id")
    ).exclude(Exists(provided))
    return Q(Exists(by_type)) | Q(Exists(by_case))


def queue_queryset(*, user: User, filters: QueueFilters, now: datetime) -> QuerySet[WithdrawalTicket]:
    """The tickets of the queue for this user and these filters, unordered."""
    scope = ticket_scope_q(user=user)
    if scope is None:
        return WithdrawalTicket.objects.none()
    query = WithdrawalTicket.objects.filter(scope, status__in=QUEUE_STATUSES)
    if filters.tab == Tab.MINE:
        query = query.filter(assignee=user)
    elif filters.tab == Tab.UNASSIGNED:
        query = query.filter(assignee__isnull=True)
    elif filters.tab == Tab.TEAM:
        team_id = AgentProfile.objects.filter(user=user).values_list("team_id", flat=True).first()
        query = query.filter(team_id=team_id) if team_id else query.none()
    if filters.platform:
        query = query.filter(platform_id=filters.platform)
    if filters.complaint_type:
        query = query.filter(complaint_type_id=filters.complaint_type)
    if filters.stage:
        query = query.filter(stage_id=filters.stage)
    if filters.special_case:
        query = query.filter(special_case_id=filters.special_case)
    if filters.urgency == "breached":
        query = query.filter(
            Q(first_contact_breached_at__isnull=False) | Q(decision_breached_at__isnull=False)
        )
    elif filters.urgency == "soon":
        query = query.filter(
            Q(decision_due_at__lte=now + SOON)
            | Q(first_contact_at__isnull=True, first_contact_due_at__lte=now + SOON)
        )
    if filters.missing_documents:
        query = query.filter(_missing_documents_q())
    term = filters.search.strip()
    if term:
        query = query.filter(Q(reference__iexact=term) | Q(complaint__number__iexact=term.replace(" ", "")))
    return query


MAX_CURSOR_RANK = 1000  # stages ranked; far more than any policy has
MAX_BIGINT = 2**63


def _encode(rank: int, due: datetime | None, pk: int) -> str:
    raw = json.dumps([rank, due.isoformat() if due else None, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, datetime | None, int] | None:
    """Read a cursor this module wrote; anything else (edited by hand, forged) is None: page one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, due, pk = json.loads(raw)
        moment = datetime.fromisoformat(due) if due else None
        rank, pk = int(rank), int(pk)
    except (ValueError, TypeError, OverflowError):
        return None
    if moment is not None and moment.utcoffset() is None:  # every time written here is aware
        return None
    if not (0 <= rank < MAX_CURSOR_RANK and 0 < pk < MAX_BIGINT):  # nor past what a column holds
        return None
    return rank, moment, pk


def queue_page(
    *, user: User, filters: QueueFilters, now: datetime, cursor: str = "", size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue, costliest-to-wait first, in a fixed number of queries."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    specs = stage_specs()
    stages = {stage.code: stage for stage in Stage.objects.all()}
    ranked = [stages[spec.code] for spec in stage_ranking(specs) if spec.code in stages]
    base = queue_queryset(user=user, filters=filters, now=now)
    after = _decode(cursor) if cursor else None
    tickets: list[tuple[int, WithdrawalTicket]] = []
    for rank, stage in enumerate(ranked):
        if after is not None and rank < after[0]:
            continue
        if filters.stage and filters.stage != stage.pk:
            continue
        part = base.filter(stage=stage)
        if after is not None and rank == after[0] and after[1] is not None:
            part = part.filter(
                Q(decision_due_at__gt=after[1]) | Q(decision_due_at=after[1], pk__gt=after[2])
            )
        part = part.order_by("decision_due_at", "pk").select_related(
            "platform", "complaint_type", "stage", "special_case", "assignee", "complaint"
        ).annotate(unread_message=unread_by_staff())
        for ticket in part[: size + 1 - len(tickets)]:
            tickets.append((rank, ticket))
        if len(tickets) > size:
            break
    more = len(tickets) > size
    tickets = tickets[:size]
    next_cursor = None
    if more and tickets:
        rank, last = tickets[-1]
        next_cursor = _encode(rank, last.decision_due_at, last.pk)
    return QueuePage(
        rows=_rows([ticket for _rank, ticket in tickets], specs, now),
        next_cursor=next_cursor,
        tabs=queue_tabs(user=user),
        stages=ranked,
    )


def _rows(tickets: list[WithdrawalTicket], specs: tuple[StageSpec, ...], now: datetime) -> list[QueueRow]:
    tiers = list(EvidenceTier.objects.all())
    present: dict[int, set[int]] = {}
    for ticket_id, tier_id in (
        EvidenceFile.objects.filter(ticket__in=[t.pk for t in tickets])
        .values_list("ticket_id", "tier_id")
        .distinct()
    ):
        present.setdefault(ticket_id, set()).add(tier_id)
    multiplier = float(PolicySettings.objects.values_list("complete_chain_odds_multiplier", flat=True).get())
    by_code = {spec.code: spec for spec in specs}
    rows = []
    for ticket in tickets:
        have = present.get(ticket.pk, set())
        spec = by_code.get(ticket.stage.code) if ticket.stage else None
        in_stage = (now - ticket.stage_entered_at).total_seconds() / 3600 if ticket.stage_entered_at else 0.0
        rows.append(QueueRow(
            ticket=ticket,
            estimate=success_estimate(
                specs, now - ticket.complaint_filed_at, tiers_present=len(have), tiers_total=len(tiers),
                complete_multiplier=multiplier,
            ) if ticket.complaint_filed_at else None,
            stage_left=max(ticket.stage_ends_at - now, timedelta(0)) if ticket.stage_ends_at else None,
            tiers=[(tier, tier.pk in have) for tier in tiers],
            hourly_loss=spec.hourly_loss(in_stage) if spec else 0.0,
        ))
    return rows


def filters_from(params: Any, *, default_tab: str) -> QueueFilters:
    """Read the queue's filters from a query string, ignoring what does not parse."""

    def number(name: str) -> int | None:
        return id_from_text(params.get(name, ""))

    tab = params.get("tab") or default_tab
    return QueueFilters(
        tab=tab if tab in (Tab.MINE, Tab.UNASSIGNED, Tab.TEAM, Tab.ALL) else default_tab,
        platform=number("platform"),
        complaint_type=number("type"),
        stage=number("stage"),
        special_case=number("special_case"),
        urgency=params.get("urgency") if params.get("urgency") in ("breached", "soon") else "",
        missing_documents=params.get("missing") == "1",
        search=(params.get("q") or "")[:64],
    )
