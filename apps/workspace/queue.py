"""The agent queue: which tickets an agent sees, filtered, in the order that costs least to follow.

Order: first the tickets whose stage loses the most success per hour of waiting (the stage's
hourly loss at entry, computed from the policy curves: preliminary review before evidence check
before final review before handled), then the nearest decision deadline, then the ticket id.
Pages are read with a keyset cursor, one query per stage at most, so a page costs the same
whatever the queue's length and wherever in it the page is.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
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
from apps.workspace.keyset import Column, after, decode, encode, ordering, position
from apps.workspace.search import CANDIDATES, ticket_search

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SOON = timedelta(hours=1)
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


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
    sort: str = "loss"
    descending: bool = False


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
    """Every agent has the four: "all" is all the tickets they may see (a supervisor: every one)."""
    return [Tab.MINE, Tab.UNASSIGNED, Tab.TEAM, Tab.ALL]


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


def _team_of(user: User) -> int | None:
    return AgentProfile.objects.filter(user=user).values_list("team_id", flat=True).first()


def _tab_q(tab: str, *, user: User, team_id: int | None) -> Q:
    if tab == Tab.MINE:
        return Q(assignee=user)
    if tab == Tab.UNASSIGNED:
        return Q(assignee__isnull=True)
    if tab == Tab.TEAM:
        return Q(team_id=team_id) if team_id else Q(pk__in=[])
    return Q()


COUNT_CAP = 999  # a tab shows "999+" past this: counting a long queue exactly costs a scan of it


def tab_counts(*, user: User, filters: QueueFilters, now: datetime) -> dict[str, int]:
    """How many tickets each tab holds under the same filters, up to COUNT_CAP + 1.

    One bounded count per tab (each stops after COUNT_CAP + 1 rows, on the tab's index where it
    has one), so the cost does not grow with the queue.
    """
    every = queue_queryset(user=user, filters=replace(filters, tab=Tab.ALL), now=now)
    team_id = _team_of(user)
    return {
        tab: every.filter(_tab_q(tab, user=user, team_id=team_id)).order_by()[: COUNT_CAP + 1].count()
        for tab in queue_tabs(user=user)
    }


def count_label(count: int) -> str:
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def queue_queryset(*, user: User, filters: QueueFilters, now: datetime) -> QuerySet[WithdrawalTicket]:
    """The tickets of the queue for this user and these filters, unordered (the search is search_page's)."""
    scope = ticket_scope_q(user=user)
    if scope is None:
        return WithdrawalTicket.objects.none()
    query = WithdrawalTicket.objects.filter(scope, status__in=QUEUE_STATUSES)
    if filters.tab != Tab.ALL:
        query = query.filter(_tab_q(filters.tab, user=user, team_id=_team_of(user)))
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
    elif filters.urgency == "soon":  # not yet breached: still something to save
        query = query.filter(
            Q(decision_breached_at__isnull=True, decision_due_at__gt=now, decision_due_at__lte=now + SOON)
            | Q(
                first_contact_at__isnull=True, first_contact_breached_at__isnull=True,
                first_contact_due_at__gt=now, first_contact_due_at__lte=now + SOON,
            )
        )
    if filters.missing_documents:
        query = query.filter(_missing_documents_q())
    return query


# How the queue may be sorted: the costliest wait first (the designed order), or by one column.
SORT_LOSS = "loss"
SORT_COLUMNS: dict[str, tuple[str, bool]] = {  # key: (field, newest or latest first by default)
    "decision_due": ("decision_due_at", False),
    "first_contact_due": ("first_contact_due_at", False),
    "received": ("received_at", True),
}
SORTS = (SORT_LOSS, *SORT_COLUMNS)
ID = Column("id")


def _stage_columns(spec: StageSpec | None) -> list[Column]:
    """A stage's own order by the loss an hour costs: in a decaying stage that loss falls with time
    spent in it, so the latest entered comes first; ties (and stages that do not decay, whose loss
    is nil) by the nearest decision deadline."""
    due = Column("decision_due_at", is_time=True)
    if spec is not None and spec.decay_rate and spec.decay_period_hours:
        return [Column("stage_entered_at", descending=True, is_time=True), due, ID]
    return [due, ID]


def _sort_columns(sort: str, descending: bool) -> list[Column]:
    field, _default = SORT_COLUMNS[sort]
    return [Column(field, descending=descending, is_time=True), ID]


def _loss_at(spec: StageSpec | None, entered: datetime | None, now: datetime) -> float:
    if spec is None or entered is None:
        return 0.0
    return spec.hourly_loss(max((now - entered).total_seconds(), 0.0) / 3600)


def _hourly_loss(spec: StageSpec | None, ticket: WithdrawalTicket, now: datetime) -> float:
    return _loss_at(spec, ticket.stage_entered_at, now)


RELATED = ("platform", "complaint_type", "stage", "special_case", "assignee", "complaint")


def queue_page(
    *, user: User, filters: QueueFilters, now: datetime, cursor: str = "", size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue in the order it says, in a fixed number of queries.

    By loss (the default): one keyset query per stage, each in that stage's own order, merged by
    what an hour of waiting costs now, the deadline and the id; the cursor keeps each stage's
    position, so a stage's rows are never skipped or repeated whatever the others do. By a column:
    one keyset query on it.
    """
    size = max(1, min(size, MAX_PAGE_SIZE))
    specs = stage_specs()
    ranked = _ranked_stages(specs)
    stage_codes = {stage.pk: stage.code for stage in ranked}
    base: QuerySet[WithdrawalTicket] = queue_queryset(user=user, filters=filters, now=now).select_related(
        *RELATED
    ).annotate(
        unread_message=unread_by_staff()
    )
    by_code = {spec.code: spec for spec in specs}
    if filters.sort != SORT_LOSS:
        columns = _sort_columns(filters.sort, filters.descending)
        state = decode(cursor, {"c": columns}) or {}
        part = base.filter(after(columns, state["c"])) if "c" in state else base
        found: list[WithdrawalTicket] = list(part.order_by(*ordering(columns))[: size + 1])
        more, tickets = len(found) > size, found[:size]
        next_cursor = encode({"c": position(columns, tickets[-1])}) if more and tickets else None
    else:
        layouts = {
            str(stage.pk): _stage_columns(by_code.get(stage.code)) for stage in ranked
            if not filters.stage or filters.stage == stage.pk
        }
        state = decode(cursor, layouts) or {}
        # Each stage's candidates as bare keys (cheap), merged; then the page's rows in one query.
        keys = ("id", "stage_entered_at", "decision_due_at")
        merged: list[tuple[tuple[float, datetime, int], str, dict[str, Any]]] = []
        plain = queue_queryset(user=user, filters=filters, now=now)
        for name, columns in layouts.items():
            part = plain.filter(stage_id=int(name))
            if name in state:
                part = part.filter(after(columns, state[name]))
            spec = by_code.get(stage_codes[int(name)])
            for values in part.order_by(*ordering(columns)).values_list(*keys)[: size + 1]:
                row = dict(zip(keys, values, strict=True))
                loss = _loss_at(spec, row["stage_entered_at"], now)
                merged.append(((-loss, row["decision_due_at"] or FAR_FUTURE, row["id"]), name, row))
        merged.sort(key=lambda entry: entry[0])
        more = len(merged) > size
        taken = merged[:size]
        for _key, name, row in taken:
            state[name] = [row[column.field] for column in layouts[name]]
        chosen = {ticket.pk: ticket for ticket in base.filter(pk__in=[row["id"] for _k, _n, row in taken])}
        tickets = [chosen[row["id"]] for _key, _name, row in taken if row["id"] in chosen]
        next_cursor = encode(state) if more and taken else None
    return QueuePage(
        rows=_rows(tickets, specs, now),
        next_cursor=next_cursor,
        tabs=queue_tabs(user=user),
        stages=ranked,
    )


NEWEST_FIRST = [Column("id", descending=True)]


def _ranked_stages(specs: tuple[StageSpec, ...]) -> list[Stage]:
    stages = {stage.code: stage for stage in Stage.objects.all()}
    return [stages[spec.code] for spec in stage_ranking(specs) if spec.code in stages]


def search_page(
    *, user: User, filters: QueueFilters, now: datetime, cursor: str = "", size: int = PAGE_SIZE
) -> QueuePage:
    """Tickets the search term finds among all the viewer may see (any tab, any status), newest first.

    The platform, type, stage and special-case filters still apply; the tab and the deadline
    filters do not (a search looks everywhere). Two queries for the tickets, whatever the term: the
    newest candidates (apps.workspace.search), then the page among those the viewer may see.
    """
    size = max(1, min(size, MAX_PAGE_SIZE))
    specs = stage_specs()
    state = decode(cursor, {"c": NEWEST_FIRST}) or {}
    before = state["c"][0] if "c" in state else None
    found, candidates = ticket_search(user=user, term=filters.search, before_id=before)
    for name, value in (
        ("platform_id", filters.platform), ("complaint_type_id", filters.complaint_type),
        ("stage_id", filters.stage), ("special_case_id", filters.special_case),
    ):
        if value:
            found = found.filter(**{name: value})
    rows: list[WithdrawalTicket] = list(
        found.select_related(*RELATED).annotate(unread_message=unread_by_staff()).order_by("-id")[: size + 1]
    )
    tickets = rows[:size]
    if len(rows) > size:
        next_cursor: str | None = encode({"c": position(NEWEST_FIRST, tickets[-1])})
    elif len(candidates) == CANDIDATES:  # more matches past those read: go on after the last one
        next_cursor = encode({"c": [candidates[-1]]})
    else:
        next_cursor = None
    return QueuePage(
        rows=_rows(tickets, specs, now),
        next_cursor=next_cursor,
        tabs=queue_tabs(user=user),
        stages=_ranked_stages(specs),
    )


def _rows(tickets: Sequence[WithdrawalTicket], specs: tuple[StageSpec, ...], now: datetime) -> list[QueueRow]:
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
        rows.append(QueueRow(
            ticket=ticket,
            estimate=success_estimate(
                specs, now - ticket.complaint_filed_at, tiers_present=len(have), tiers_total=len(tiers),
                complete_multiplier=multiplier,
            ) if ticket.complaint_filed_at else None,
            stage_left=max(ticket.stage_ends_at - now, timedelta(0)) if ticket.stage_ends_at else None,
            tiers=[(tier, tier.pk in have) for tier in tiers],
            hourly_loss=_hourly_loss(spec, ticket, now),
        ))
    return rows


def filters_from(params: Any, *, default_tab: str) -> QueueFilters:
    """Read the queue's filters from a query string, ignoring what does not parse."""

    def number(name: str) -> int | None:
        return id_from_text(params.get(name, ""))

    tab = params.get("tab") or default_tab
    sort = params.get("sort") or SORT_LOSS
    return QueueFilters(
        tab=tab if tab in (Tab.MINE, Tab.UNASSIGNED, Tab.TEAM, Tab.ALL) else default_tab,
        platform=number("platform"),
        complaint_type=number("type"),
        stage=number("stage"),
        special_case=number("special_case"),
        urgency=params.get("urgency") if params.get("urgency") in ("breached", "soon") else "",
        missing_documents=params.get("missing") == "1",
        search=" ".join((params.get("q") or "").split())[:64],
        sort=sort if sort in SORTS else SORT_LOSS,
        descending=(
            params.get("dir", "desc" if SORT_COLUMNS[sort][1] else "asc") == "desc"
            if sort in SORT_COLUMNS else False
        ),
    )
