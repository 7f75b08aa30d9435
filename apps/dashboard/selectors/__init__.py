"""Reads of the supervisor dashboard: a fixed number of set-based aggregate queries, whatever the data.

- `policy`: the policy rows the figures are named and measured by, and the teams (six small queries).
- `open`: open tickets by platform and stage, by agent and by age bucket, with breach and
  near-breach counts, in one GROUP BY GROUPING SETS; the breached and nearly breached deadlines of
  open tickets, in one statement.
- `history`: SLA compliance by day, platform, type and agent and the withdrawal success rate by
  type over a period of days, in one statement.
- `tickets`: the ticket-level export, streamed from one statement.

Every read takes the dashboard's filter (apps.dashboard.filters). The page reads the minute's
materialised snapshot when nothing is filtered and it is fresh (see apps.dashboard.services).

The SQL is PostgreSQL's; on any other database (the embedded SQLite default) the rows come through
apps.dashboard.portable. This package re-exports what callers used from the former single module.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apps.dashboard.filters import DashboardFilter
from apps.dashboard.measures import (
    DECIDED_STATUSES,
    DECISION,
    FIRST_CONTACT,
    OUTCOME,
    SOON,
    URGENT_LIST_LIMIT,
    history_window,
)
from apps.dashboard.models import DashboardSnapshot
from apps.dashboard.selectors.common import (
    HISTORY_DAYS,
    MAX_BUCKETS_PER_STAGE,
    OFFICIAL_CUSTOMER_SERVICE,
    SNAPSHOT_MAX_AGE,
    TICKETS,
)
from apps.dashboard.selectors.history import (
    HISTORY_SQL,
    HistoryFigures,
    Rate,
    history_from_rows,
    history_rows,
)
from apps.dashboard.selectors.open import (
    OPEN_SQL,
    URGENT_SQL,
    OpenFigures,
    UrgentDeadline,
    open_from_rows,
    open_rows,
    urgent_from_rows,
    urgent_rows,
)
from apps.dashboard.selectors.policy import (
    AgentRow,
    DashboardPolicy,
    StageRow,
    age_bucket_edges,
    dashboard_policy,
)
from apps.dashboard.selectors.tickets import EXPORT_CHUNK_SIZE, TICKET_EXPORT_COLUMNS, ticket_export_rows

__all__ = [
    "DECIDED_STATUSES",
    "DECISION",
    "EXPORT_CHUNK_SIZE",
    "FIRST_CONTACT",
    "HISTORY_DAYS",
    "HISTORY_SQL",
    "MAX_BUCKETS_PER_STAGE",
    "OFFICIAL_CUSTOMER_SERVICE",
    "OPEN_SQL",
    "OUTCOME",
    "SNAPSHOT_MAX_AGE",
    "SOON",
    "TICKETS",
    "TICKET_EXPORT_COLUMNS",
    "URGENT_LIST_LIMIT",
    "URGENT_SQL",
    "AgentRow",
    "DashboardFigures",
    "DashboardPolicy",
    "HistoryFigures",
    "OpenFigures",
    "Rate",
    "StageRow",
    "UrgentDeadline",
    "age_bucket_edges",
    "dashboard_figures",
    "dashboard_policy",
    "dashboard_rows",
    "history_from_rows",
    "history_rows",
    "history_window",
    "open_from_rows",
    "open_rows",
    "ticket_export_rows",
    "urgent_from_rows",
    "urgent_rows",
]

NO_FILTER = DashboardFilter()


def _period(chosen: DashboardFilter, *, now: datetime, tz: ZoneInfo) -> list[date]:
    return chosen.days(today=now.astimezone(tz).date())


def dashboard_rows(
    *, now: datetime, policy: DashboardPolicy | None = None, chosen: DashboardFilter = NO_FILTER
) -> dict[str, Any]:
    """Every figure of the dashboard as of `now`, as JSON-ready rows (three aggregate queries)."""
    policy = policy or dashboard_policy()
    tz = policy.tz
    edges = policy.age_edges
    urgent = urgent_rows(now=now, chosen=chosen, tz=tz)
    for row in urgent:
        row[4] = row[4].isoformat()
    period = _period(chosen, now=now, tz=tz)
    history = history_rows(now=now, tz=tz, period=period, chosen=chosen)
    for row in history:
        if isinstance(row[2], date):
            row[2] = row[2].isoformat()
    return {
        "as_of": now.isoformat(),
        "tz": tz.key,
        "edges": edges,
        "open": open_rows(now=now, age_edges=edges, chosen=chosen, tz=tz),
        "urgent": urgent,
        "history": history,
    }


@dataclass
class DashboardFigures:
    policy: DashboardPolicy
    as_of: datetime
    live: bool  # computed for this request: filtered, or the snapshot was missing or too old
    tz: ZoneInfo
    age_edges: list[int]
    open: OpenFigures
    breached: list[UrgentDeadline]
    soon: list[UrgentDeadline]
    history: HistoryFigures
    chosen: DashboardFilter = NO_FILTER

    @property
    def platforms(self) -> list[tuple[int, str]]:
        """The platforms the figures cover: the one chosen, else every one."""
        if self.chosen.platform_id is None:
            return self.policy.platforms
        return [(pk, name) for pk, name in self.policy.platforms if pk == self.chosen.platform_id]

    @property
    def agents(self) -> list[AgentRow]:
        """The agents whose load is shown: the chosen team's, else every one."""
        if self.chosen.team_id is None:
            return self.policy.agents
        return [agent for agent in self.policy.agents if agent.team_id == self.chosen.team_id]


def dashboard_figures(
    *, now: datetime, chosen: DashboardFilter = NO_FILTER, policy: DashboardPolicy | None = None
) -> DashboardFigures:
    """The dashboard's figures: the minute's snapshot when unfiltered and fresh, else computed now."""
    policy = policy or dashboard_policy()
    snapshot = None
    if chosen.is_default:
        snapshot = (
            DashboardSnapshot.objects.filter(
                pk=DashboardSnapshot.SINGLETON_PK, computed_at__gt=now - SNAPSHOT_MAX_AGE
            )
            .only("computed_at", "figures")
            .first()
        )
    rows = snapshot.figures if snapshot is not None else dashboard_rows(now=now, policy=policy, chosen=chosen)
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
        history=history_from_rows(
            rows["history"], now=as_of, tz=tz, period=_period(chosen, now=as_of, tz=tz)
        ),
        chosen=chosen,
    )
