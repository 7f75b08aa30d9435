"""Reads of the supervisor dashboard: a fixed number of set-based aggregate queries, whatever the data.

- `dashboard_policy`: the policy rows the figures are named and measured by (five small queries).
- `open_figures`: open tickets by platform and stage, by agent and by age bucket, with breach and
  near-breach counts, in one GROUP BY GROUPING SETS over the open tickets (the queue's partial index).
- `urgent_tickets`: the breached and nearly breached deadlines of open tickets, in one statement.
- `history_figures`: SLA compliance by day, platform, type and agent and the withdrawal success
  rate by type over the last days, in one statement (read from the materialised snapshot when it
  is fresh; see apps.dashboard.snapshots).

"Day" is a calendar day in the policy's time zone (Asia/Shanghai by default).

The SQL is PostgreSQL's; on any other database (the embedded SQLite default) `open_rows`,
`urgent_rows` and `history_rows` give the same rows through apps.dashboard.portable.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from apps.accounts.models import AgentProfile
from apps.dashboard.models import DashboardSnapshot
from apps.policy.models import AlternativeRoute, ComplaintType, Platform, PolicySettings, Stage
from apps.sla.transitions import CONTACT_OWED, DECISION_OWED
from apps.tickets.models import QUEUE_STATUSES, TicketStatus, WithdrawalTicket

# What the dashboard shows; display choices, not domain figures (those are policy rows).
HISTORY_DAYS = 14
SOON = timedelta(hours=1)
URGENT_LIST_LIMIT = 12
# The snapshot is refreshed every minute by beat; older than this, beat is down: compute live.
SNAPSHOT_MAX_AGE = timedelta(minutes=5)  # rows per list (breached / due within the hour) and per deadline
MAX_BUCKETS_PER_STAGE = 6
# The article's 37 % is the success rate of this alternative route (policy row code).
OFFICIAL_CUSTOMER_SERVICE = "official_customer_service"
DECIDED_STATUSES = (TicketStatus.APPROVED, TicketStatus.REFUSED, TicketStatus.ROUTED)
FIRST_CONTACT = "first_contact"
DECISION = "decision"
OUTCOME = "outcome"

TICKETS = WithdrawalTicket._meta.db_table


def _postgresql() -> bool:
    """Whether the SQL below can run; elsewhere the rows come from apps.dashboard.portable."""
    return connection.vendor == "postgresql"


def _in(values: Any) -> str:
    """A SQL list of fixed status codes (constants of the code, never user input)."""
    return "(" + ", ".join(f"'{value!s}'" for value in sorted(values)) + ")"


# ------------------------------------------------------------------------------------ policy


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    starts_at_hour: int
    ends_at_hour: int | None
    decay_period_hours: int | None


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    max_open_tickets: int
    accepts_assignments: bool


@dataclass(frozen=True)
class DashboardPolicy:
    tz: ZoneInfo
    first_contact_hours: int
    baseline_success_rate: Decimal
    official_route_name: str | None
    official_route_rate: Decimal | None
    platforms: list[tuple[int, str]]
    stages: list[StageRow]
    complaint_types: list[tuple[int, str]]
    agents: list[AgentRow]

    @property
    def age_edges(self) -> list[int]:
        return age_bucket_edges(self.stages)


def dashboard_policy() -> DashboardPolicy:
    """The policy rows the dashboard names and measures by, in the viewer's language."""
    settings = PolicySettings.objects.only(
        "time_zone", "first_contact_hours", "baseline_withdrawal_success_rate"
    ).get()
    route = AlternativeRoute.objects.filter(code=OFFICIAL_CUSTOMER_SERVICE).first()
    profiles = AgentProfile.objects.select_related("user").order_by("user__display_name", "user__username")
    return DashboardPolicy(
        tz=ZoneInfo(settings.time_zone),
        first_contact_hours=settings.first_contact_hours,
        baseline_success_rate=settings.baseline_withdrawal_success_rate,
        official_route_name=str(route) if route else None,
        official_route_rate=route.success_rate if route else None,
        platforms=[(platform.pk, str(platform)) for platform in Platform.objects.all()],
        stages=[
            StageRow(stage.pk, str(stage), stage.starts_at_hour, stage.ends_at_hour, stage.decay_period_hours)
            for stage in Stage.objects.order_by("starts_at_hour")
        ],
        complaint_types=[(kind.pk, str(kind)) for kind in ComplaintType.objects.all()],
        agents=[
            AgentRow(
                profile.user_id, str(profile.user), profile.max_open_tickets, profile.accepts_assignments
            )
            for profile in profiles
        ],
    )


def age_bucket_edges(stages: list[StageRow]) -> list[int]:
    """Hour edges of the aging histogram: every stage boundary, each stage cut into its decay periods.

    A stage longer than MAX_BUCKETS_PER_STAGE periods is cut into that many equal parts; the last,
    open-ended stage gets two day-wide buckets and then one for everything older.
    """
    edges: set[int] = set()
    for stage in stages:
        start, end = stage.starts_at_hour, stage.ends_at_hour
        edges.add(start)
        if end is None:
            edges.update((start + 24, start + 48))
            continue
        length = end - start
        period = stage.decay_period_hours or length
        parts = min(max(length // period, 1), MAX_BUCKETS_PER_STAGE)
        step = length / parts
        edges.update(start + round(step * part) for part in range(parts))
        edges.add(end)
    return sorted(edges)


# ------------------------------------------------------------------------------------ open tickets


@dataclass
class OpenFigures:
    by_platform_stage: dict[tuple[int, int | None], int] = field(default_factory=dict)
    breached_by_platform: dict[int, int] = field(default_factory=dict)
    soon_by_platform: dict[int, int] = field(default_factory=dict)
    by_agent: dict[int | None, int] = field(default_factory=dict)
    by_bucket: dict[int, int] = field(default_factory=dict)  # bucket number 1.. (see age_bucket_edges)

    @property
    def total(self) -> int:
        return sum(self.by_platform_stage.values())

    @property
    def breached(self) -> int:
        return sum(self.breached_by_platform.values())

    @property
    def soon(self) -> int:
        return sum(self.soon_by_platform.values())


# A deadline still owed and already missed; a deadline still owed that falls due within the hour.
_CONTACT_BREACHED = "(first_contact_breached_at IS NOT NULL AND first_contact_at IS NULL)"
_DECISION_BREACHED = "(decision_breached_at IS NOT NULL)"
_CONTACT_SOON = (
    f"(status IN {_in(CONTACT_OWED)} AND first_contact_at IS NULL AND first_contact_breached_at IS NULL "
    "AND first_contact_due_at > %(now)s AND first_contact_due_at <= %(soon)s)"
)
_DECISION_SOON = (
    f"(status IN {_in(DECISION_OWED)} AND decision_breached_at IS NULL "
    "AND decision_due_at > %(now)s AND decision_due_at <= %(soon)s)"
)

# The SQL below is built from constants of the code only (status codes, table name); values are parameters.
OPEN_SQL = f"""
SELECT CASE WHEN GROUPING(assignee_id) = 0 THEN 'agent' WHEN GROUPING(bucket) = 0 THEN 'age'
            ELSE 'platform_stage' END AS dimension,
       platform_id, stage_id, assignee_id, bucket,
       count(*) AS open,
       count(*) FILTER (WHERE breached) AS breached,
       count(*) FILTER (WHERE soon AND NOT breached) AS soon
FROM (
    SELECT platform_id, stage_id, assignee_id,
           greatest(width_bucket(EXTRACT(EPOCH FROM (%(now)s - complaint_filed_at)) / 3600.0,
                                 %(edges)s::float8[]), 1) AS bucket,
           ({_CONTACT_BREACHED} OR {_DECISION_BREACHED}) AS breached,
           ({_CONTACT_SOON} OR {_DECISION_SOON}) AS soon
    FROM {TICKETS}
    WHERE status IN {_in(QUEUE_STATUSES)}
) AS open_tickets
GROUP BY GROUPING SETS ((platform_id, stage_id), (assignee_id), (bucket))
"""  # noqa: S608


def open_rows(*, now: datetime, age_edges: list[int]) -> list[list[Any]]:
    """Open tickets (received, with an agent, waiting on the requester) counted three ways, one query.

    Rows: [dimension, platform id, stage id, assignee id, age bucket, open, breached, due soon].
    """
    if not _postgresql():
        from apps.dashboard import portable  # it reads this module's constants

        return portable.open_rows(now=now, age_edges=age_edges)
    params: dict[str, Any] = {"now": now, "soon": now + SOON, "edges": [float(edge) for edge in age_edges]}
    with connection.cursor() as cursor:
        cursor.execute(OPEN_SQL, params)
        return [list(row) for row in cursor.fetchall()]


def open_from_rows(rows: list[list[Any]]) -> OpenFigures:
    figures = OpenFigures()
    for dimension, platform_id, stage_id, assignee_id, bucket, count, breached, soon in rows:
        if dimension == "platform_stage":
            figures.by_platform_stage[(platform_id, stage_id)] = count
            figures.breached_by_platform[platform_id] = (
                figures.breached_by_platform.get(platform_id, 0) + breached
            )
            figures.soon_by_platform[platform_id] = figures.soon_by_platform.get(platform_id, 0) + soon
        elif dimension == "agent":
            figures.by_agent[assignee_id] = count
        elif bucket is not None:  # no filing time: not on the histogram
            figures.by_bucket[bucket] = count
    return figures


@dataclass(frozen=True)
class UrgentDeadline:
    ticket_id: int
    reference: str
    deadline: str  # FIRST_CONTACT or DECISION
    breached: bool
    due_at: datetime
    platform_id: int
    stage_id: int | None
    assignee_id: int | None
    status: str


def _urgent_part(deadline: str, condition: str, due: str, breached: bool) -> str:
    return f"""
    (SELECT id, reference, '{deadline}', {str(breached).upper()}, {due},
            platform_id, stage_id, assignee_id, status
     FROM {TICKETS} WHERE status IN {_in(QUEUE_STATUSES)} AND {condition}
     ORDER BY {due}, id LIMIT %(limit)s)"""  # noqa: S608


URGENT_SQL = " UNION ALL ".join(
    (
        _urgent_part(FIRST_CONTACT, _CONTACT_BREACHED, "first_contact_due_at", True),
        _urgent_part(DECISION, _DECISION_BREACHED, "decision_due_at", True),
        _urgent_part(FIRST_CONTACT, _CONTACT_SOON, "first_contact_due_at", False),
        _urgent_part(DECISION, _DECISION_SOON, "decision_due_at", False),
    )
)


def urgent_rows(*, now: datetime, limit: int = URGENT_LIST_LIMIT) -> list[list[Any]]:
    """Open tickets' owed deadlines, breached or due within the hour, `limit` of each kind; one query."""
    if not _postgresql():
        from apps.dashboard import portable

        return portable.urgent_rows(now=now, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(URGENT_SQL, {"now": now, "soon": now + SOON, "limit": limit})
        return [list(row) for row in cursor.fetchall()]


def urgent_from_rows(
    rows: list[list[Any]], *, limit: int = URGENT_LIST_LIMIT
) -> tuple[list[UrgentDeadline], list[UrgentDeadline]]:
    """(breached, due within the hour), the longest overdue and the nearest first."""
    deadlines = [
        UrgentDeadline(
            ticket_id=ticket_id,
            reference=reference,
            deadline=deadline,
            breached=breached,
            due_at=datetime.fromisoformat(due_at) if isinstance(due_at, str) else due_at,
            platform_id=platform_id,
            stage_id=stage_id,
            assignee_id=assignee_id,
            status=status,
        )
        for (
            ticket_id,
            reference,
            deadline,
            breached,
            due_at,
            platform_id,
            stage_id,
            assignee_id,
            status,
        ) in (rows)
    ]
    breached = sorted((row for row in deadlines if row.breached), key=lambda row: (row.due_at, row.ticket_id))
    soon = sorted((row for row in deadlines if not row.breached), key=lambda row: (row.due_at, row.ticket_id))
    return breached[:limit], soon[:limit]


# ------------------------------------------------------------------------------------ history


@dataclass(frozen=True)
class Rate:
    counted: int
    good: int

    @property
    def percent(self) -> float | None:
        return self.good * 100.0 / self.counted if self.counted else None


@dataclass
class HistoryFigures:
    """Per measure (FIRST_CONTACT, DECISION, OUTCOME) and dimension (day, platform, type, agent): rates."""

    days: list[date]
    rates: dict[str, dict[str, dict[Any, Rate]]] = field(default_factory=dict)

    def rate(self, measure: str, dimension: str, key: Any) -> Rate:
        return self.rates.get(measure, {}).get(dimension, {}).get(key, Rate(0, 0))

    def overall(self, measure: str) -> Rate:
        rows = self.rates.get(measure, {}).get("platform", {}).values()
        return Rate(sum(rate.counted for rate in rows), sum(rate.good for rate in rows))


# Each ticket gives up to three measured rows: its first-contact deadline (on the day it fell due;
# settled once met or passed), its decision deadline (settled once decided or passed while customer
# service held it), and its decision's outcome (on the day decided; good = approved).
HISTORY_SQL = f"""
WITH measured AS (
    SELECT m.measure, (m.at AT TIME ZONE %(tz)s)::date AS day, t.platform_id, t.complaint_type_id,
           t.assignee_id, count(*) AS counted, count(*) FILTER (WHERE m.good) AS good
    FROM {TICKETS} AS t
    CROSS JOIN LATERAL (VALUES
        ('{FIRST_CONTACT}', t.first_contact_due_at,
         t.first_contact_at IS NOT NULL OR t.first_contact_due_at <= %(now)s,
         t.first_contact_at <= t.first_contact_due_at),
        ('{DECISION}', t.decision_due_at,
         t.decided_at IS NOT NULL
           OR (t.decision_due_at <= %(now)s AND t.status <> '{TicketStatus.WAITING_ON_REQUESTER.value}'),
         t.decided_at <= t.decision_due_at),
        ('{OUTCOME}', t.decided_at, t.status IN {_in(DECIDED_STATUSES)},
         t.status = '{TicketStatus.APPROVED.value}')
    ) AS m(measure, at, settled, good)
    WHERE t.status NOT IN {_in((TicketStatus.DRAFT, TicketStatus.CANCELLED))}
      AND (t.first_contact_due_at >= %(start)s AND t.first_contact_due_at < %(end)s
           OR t.decision_due_at >= %(start)s AND t.decision_due_at < %(end)s
           OR t.decided_at >= %(start)s AND t.decided_at < %(end)s)
      AND m.at >= %(start)s AND m.at < %(end)s AND m.settled
    GROUP BY 1, 2, 3, 4, 5
)
SELECT measure,
       CASE WHEN GROUPING(day) = 0 THEN 'day' WHEN GROUPING(platform_id) = 0 THEN 'platform'
            WHEN GROUPING(complaint_type_id) = 0 THEN 'type' ELSE 'agent' END AS dimension,
       day, platform_id, complaint_type_id, assignee_id, sum(counted)::int, sum(good)::int
FROM measured
GROUP BY measure, GROUPING SETS ((day), (platform_id), (complaint_type_id), (assignee_id))
"""  # noqa: S608
_DIMENSION_COLUMN = {"day": 2, "platform": 3, "type": 4, "agent": 5}


def history_window(
    *, now: datetime, tz: ZoneInfo, days: int = HISTORY_DAYS
) -> tuple[list[date], datetime, datetime]:
    """The last `days` calendar days in `tz`, today included, and their bounds as aware datetimes."""
    today = now.astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    return [first + timedelta(days=n) for n in range(days)], start, end


def history_rows(*, now: datetime, tz: ZoneInfo, days: int = HISTORY_DAYS) -> list[list[Any]]:
    """The history aggregate as plain rows (measure, dimension, key, counted, good), one query."""
    if not _postgresql():
        from apps.dashboard import portable

        return portable.history_rows(now=now, tz=tz, days=days)
    _days, start, end = history_window(now=now, tz=tz, days=days)
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_SQL, {"now": now, "tz": tz.key, "start": start, "end": end})
        rows = cursor.fetchall()
    return [[row[0], row[1], row[_DIMENSION_COLUMN[row[1]]], row[6], row[7]] for row in rows]


def history_from_rows(
    rows: list[list[Any]], *, now: datetime, tz: ZoneInfo, days: int = HISTORY_DAYS
) -> HistoryFigures:
    window, _start, _end = history_window(now=now, tz=tz, days=days)
    figures = HistoryFigures(days=window)
    for measure, dimension, key, counted, good in rows:
        if dimension == "day" and isinstance(key, str):
            key = date.fromisoformat(key)  # from the JSON snapshot
        figures.rates.setdefault(measure, {}).setdefault(dimension, {})[key] = Rate(counted, good)
    return figures


# ------------------------------------------------------------------------------------ the page


def dashboard_rows(*, now: datetime, policy: DashboardPolicy | None = None) -> dict[str, Any]:
    """Every figure of the dashboard as of `now`, as JSON-ready rows (three aggregate queries)."""
    policy = policy or dashboard_policy()
    edges = policy.age_edges
    urgent = urgent_rows(now=now)
    for row in urgent:
        row[4] = row[4].isoformat()
    history = history_rows(now=now, tz=policy.tz)
    for row in history:
        if isinstance(row[2], date):
            row[2] = row[2].isoformat()
    return {
        "as_of": now.isoformat(),
        "tz": policy.tz.key,
        "edges": edges,
        "open": open_rows(now=now, age_edges=edges),
        "urgent": urgent,
        "history": history,
    }


@dataclass
class DashboardFigures:
    policy: DashboardPolicy
    as_of: datetime
    live: bool  # computed for this request: the snapshot was missing or too old
    tz: ZoneInfo
    age_edges: list[int]
    open: OpenFigures
    breached: list[UrgentDeadline]
    soon: list[UrgentDeadline]
    history: HistoryFigures


def dashboard_figures(*, now: datetime) -> DashboardFigures:
    """The dashboard's figures: the minute's snapshot when fresh, else computed now; fixed queries."""
    policy = dashboard_policy()
    snapshot = (
        DashboardSnapshot.objects.filter(
            pk=DashboardSnapshot.SINGLETON_PK, computed_at__gt=now - SNAPSHOT_MAX_AGE
        )
        .only("computed_at", "figures")
        .first()
    )
    rows = snapshot.figures if snapshot is not None else dashboard_rows(now=now, policy=policy)
    as_of = datetime.fromisoformat(rows["as_of"])
    tz = ZoneInfo(rows["tz"])
    breached, soon = urgent_from_rows(rows["urgent"])
    return DashboardFigures(
        policy=policy,
        as_of=as_of,
        live=snapshot is None,
        tz=tz,
        age_edges=rows["edges"],
        open=open_from_rows(rows["open"]),
        breached=breached,
        soon=soon,
        history=history_from_rows(rows["history"], now=as_of, tz=tz),
    )
