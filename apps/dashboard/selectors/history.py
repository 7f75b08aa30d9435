"""SLA compliance and the withdrawal success rate over a period of days, by day, platform, type, agent.

One statement whatever the data (see apps.dashboard.portable for other databases). "Day" is a
calendar day in the policy's time zone (Asia/Shanghai by default).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from apps.dashboard import portable
from apps.dashboard.filters import DashboardFilter, ticket_conditions
from apps.dashboard.measures import DECIDED_STATUSES, DECISION, FIRST_CONTACT, OUTCOME, history_window
from apps.dashboard.selectors import common
from apps.dashboard.selectors.common import TICKETS, sql_in
from apps.tickets.models import TicketStatus

NO_FILTER = DashboardFilter()


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
# {filter}: the team and platform (apps.dashboard.filters.ticket_conditions on alias t).
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
        ('{OUTCOME}', t.decided_at, t.status IN {sql_in(DECIDED_STATUSES)},
         t.status = '{TicketStatus.APPROVED.value}')
    ) AS m(measure, at, settled, good)
    WHERE t.status NOT IN {sql_in((TicketStatus.DRAFT, TicketStatus.CANCELLED))}
      AND (t.first_contact_due_at >= %(start)s AND t.first_contact_due_at < %(end)s
           OR t.decision_due_at >= %(start)s AND t.decision_due_at < %(end)s
           OR t.decided_at >= %(start)s AND t.decided_at < %(end)s)
      AND m.at >= %(start)s AND m.at < %(end)s AND m.settled{{filter}}
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


def history_rows(
    *, now: datetime, tz: ZoneInfo, period: list[date] | None = None, chosen: DashboardFilter = NO_FILTER
) -> list[list[Any]]:
    """The history aggregate as plain rows (measure, dimension, key, counted, good), one query."""
    if not common.postgresql():
        return portable.history_rows(now=now, tz=tz, period=period, chosen=chosen)
    _days, start, end = history_window(now=now, tz=tz, period=period)
    conditions, params = ticket_conditions(chosen, tz, alias="t")
    params |= {"now": now, "tz": tz.key, "start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_SQL.replace("{filter}", conditions), params)
        rows = cursor.fetchall()
    return [[row[0], row[1], row[_DIMENSION_COLUMN[row[1]]], row[6], row[7]] for row in rows]


def history_from_rows(
    rows: list[list[Any]], *, now: datetime, tz: ZoneInfo, period: list[date] | None = None
) -> HistoryFigures:
    window, _start, _end = history_window(now=now, tz=tz, period=period)
    figures = HistoryFigures(days=window)
    for measure, dimension, key, counted, good in rows:
        if dimension == "day" and isinstance(key, str):
            key = date.fromisoformat(key)  # from the JSON snapshot
        figures.rates.setdefault(measure, {}).setdefault(dimension, {})[key] = Rate(counted, good)
    return figures
