"""Open tickets: counted by platform and stage, by agent and by age, and their urgent deadlines.

Each is one set-based statement whatever the data (see apps.dashboard.portable for other databases).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from apps.dashboard import portable
from apps.dashboard.filters import DashboardFilter, received_conditions
from apps.dashboard.measures import DECISION, FIRST_CONTACT, SOON, URGENT_LIST_LIMIT
from apps.dashboard.selectors import common
from apps.dashboard.selectors.common import TICKETS, sql_in
from apps.sla.transitions import CONTACT_OWED, DECISION_OWED
from apps.tickets.models import QUEUE_STATUSES

NO_FILTER = DashboardFilter()
SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    f"(status IN {sql_in(CONTACT_OWED)} AND first_contact_at IS NULL AND first_contact_breached_at IS NULL "
    "AND first_contact_due_at > %(now)s AND first_contact_due_at <= %(soon)s)"
)
_DECISION_SOON = (
    f"(status IN {sql_in(DECISION_OWED)} AND decision_breached_at IS NULL "
    "AND decision_due_at > %(now)s AND decision_due_at <= %(soon)s)"
)

# Built from constants of the code only (status codes, table name, the filter's fixed columns);
# every value is a parameter. {filter} is the filter's conditions (apps.dashboard.filters).
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
    WHERE status IN {sql_in(QUEUE_STATUSES)}{{filter}}
) AS open_tickets
GROUP BY GROUPING SETS ((platform_id, stage_id), (assignee_id), (bucket))
"""  # noqa: S608


def open_rows(
    *, now: datetime, age_edges: list[int], chosen: DashboardFilter = NO_FILTER, tz: ZoneInfo = SHANGHAI
) -> list[list[Any]]:
    """Open tickets (received, with an agent, waiting on the requester) counted three ways, one query.

    Rows: [dimension, platform id, stage id, assignee id, age bucket, open, breached, due soon].
    """
    if not common.postgresql():
        return portable.open_rows(now=now, age_edges=age_edges, chosen=chosen, tz=tz)
    conditions, params = received_conditions(chosen, tz)
    params |= {"now": now, "soon": now + SOON, "edges": [float(edge) for edge in age_edges]}
    with connection.cursor() as cursor:
        cursor.execute(OPEN_SQL.replace("{filter}", conditions), params)
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
     FROM {TICKETS} WHERE status IN {sql_in(QUEUE_STATUSES)} AND {condition}{{filter}}
     ORDER BY {due}, id LIMIT %(limit)s)"""  # noqa: S608


URGENT_SQL = " UNION ALL ".join(
    (
        _urgent_part(FIRST_CONTACT, _CONTACT_BREACHED, "first_contact_due_at", True),
        _urgent_part(DECISION, _DECISION_BREACHED, "decision_due_at", True),
        _urgent_part(FIRST_CONTACT, _CONTACT_SOON, "first_contact_due_at", False),
        _urgent_part(DECISION, _DECISION_SOON, "decision_due_at", False),
    )
)


def urgent_rows(
    *,
    now: datetime,
    limit: int = URGENT_LIST_LIMIT,
    chosen: DashboardFilter = NO_FILTER,
    tz: ZoneInfo = SHANGHAI,
) -> list[list[Any]]:
    """Open tickets' owed deadlines, breached or due within the hour, `limit` of each kind; one query."""
    if not common.postgresql():
        return portable.urgent_rows(now=now, limit=limit, chosen=chosen, tz=tz)
    conditions, params = received_conditions(chosen, tz)
    params |= {"now": now, "soon": now + SOON, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(URGENT_SQL.replace("{filter}", conditions), params)
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
        ) in rows
    ]
    breached = sorted((row for row in deadlines if row.breached), key=lambda row: (row.due_at, row.ticket_id))
    soon = sorted((row for row in deadlines if not row.breached), key=lambda row: (row.due_at, row.ticket_id))
    return breached[:limit], soon[:limit]
