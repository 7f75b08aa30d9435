"""The dashboard's rows on any database: the same rows as the PostgreSQL SQL of apps.dashboard.selectors.

The SQL there uses what only PostgreSQL has (GROUPING SETS, FILTER, arrays, width_bucket,
AT TIME ZONE, LATERAL); the embedded default runs on SQLite with a few hundred demo tickets. These
functions give rows of exactly the same shape and values with the ORM and a little Python:

- `open_rows`: one grouped ORM query over the open tickets (age bucket, breached and due-soon as
  CASE WHEN), rolled up in Python into the three groupings of the SQL;
- `urgent_rows`: one ordered, limited ORM query per list, like each part of the SQL's UNION ALL;
- `history_rows`: one read of the clock columns of the tickets with a deadline or a decision in the
  window (a bounded read: the period's days), measured and grouped in Python; the local
  day comes from zoneinfo, as PostgreSQL's AT TIME ZONE gives it.

They run on PostgreSQL too (the tests compare both paths there), but production keeps the SQL:
it is the path tuned for a million tickets. Row order is not part of the contract (the SQL gives
none); these return a stable one.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, Value, When

from apps.dashboard.filters import DashboardFilter, received_q, ticket_q
from apps.dashboard.measures import (
    DECIDED_STATUSES,
    DECISION,
    FIRST_CONTACT,
    OUTCOME,
    SOON,
    URGENT_LIST_LIMIT,
    history_window,
)
from apps.sla.transitions import CONTACT_OWED, DECISION_OWED
from apps.tickets.models import QUEUE_STATUSES, TicketStatus, WithdrawalTicket

NO_FILTER = DashboardFilter()
SHANGHAI = ZoneInfo("Asia/Shanghai")

# The same conditions as the SQL's _CONTACT_BREACHED, _DECISION_BREACHED, _CONTACT_SOON, _DECISION_SOON.
CONTACT_BREACHED = Q(first_contact_breached_at__isnull=False, first_contact_at__isnull=True)
DECISION_BREACHED = Q(decision_breached_at__isnull=False)


def _contact_soon(now: datetime) -> Q:
    return Q(
        status__in=CONTACT_OWED,
        first_contact_at__isnull=True,
        first_contact_breached_at__isnull=True,
        first_contact_due_at__gt=now,
        first_contact_due_at__lte=now + SOON,
    )


def _decision_soon(now: datetime) -> Q:
    return Q(
        status__in=DECISION_OWED,
        decision_breached_at__isnull=True,
        decision_due_at__gt=now,
        decision_due_at__lte=now + SOON,
    )


def _nulls_last(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key for tuples of ids or dates that may hold None (sorted last, as PostgreSQL does)."""
    return tuple((value is None, value) if value is not None else (True, 0) for value in key)


# ------------------------------------------------------------------------------------ open tickets


def _age_bucket(*, now: datetime, age_edges: list[int]) -> Case:
    """greatest(width_bucket(age in hours, edges), 1): the number of edges the age has reached, at least 1.

    Age ≥ edge ⇔ filed ≤ now − edge, compared on the exact timestamps; no filing time gives 1,
    as greatest() ignores the NULL that width_bucket() returns for it.
    """
    reached = [
        When(complaint_filed_at__lte=now - timedelta(hours=edge), then=Value(number))
        for number, edge in reversed(list(enumerate(age_edges, start=1)))
    ]
    return Case(*reached, default=Value(1), output_field=IntegerField())


def _flag(condition: Q) -> Case:
    """True where the condition holds; False where it is false or unknown (as FILTER (WHERE …) counts)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def open_rows(
    *, now: datetime, age_edges: list[int], chosen: DashboardFilter = NO_FILTER, tz: ZoneInfo = SHANGHAI
) -> list[list[Any]]:
    """Open tickets counted by (platform, stage), by assignee and by age bucket; one grouped query.

    Rows: [dimension, platform id, stage id, assignee id, age bucket, open, breached, due soon].
    """
    groups = (
        WithdrawalTicket.objects.filter(received_q(chosen, tz), status__in=QUEUE_STATUSES)
        .annotate(
            age_bucket=_age_bucket(now=now, age_edges=age_edges),
            is_breached=_flag(CONTACT_BREACHED | DECISION_BREACHED),
            is_soon=_flag(_contact_soon(now) | _decision_soon(now)),
        )
        .values_list("platform_id", "stage_id", "assignee_id", "age_bucket", "is_breached", "is_soon")
        .annotate(tickets=Count("id"))
        .order_by()
    )
    # The SQL's GROUPING SETS ((platform_id, stage_id), (assignee_id), (bucket)), in Python.
    totals: dict[str, dict[tuple[Any, ...], list[int]]] = {
        dimension: defaultdict(lambda: [0, 0, 0]) for dimension in ("platform_stage", "agent", "age")
    }
    for platform_id, stage_id, assignee_id, bucket, breached, soon, tickets in groups:
        counts = (tickets, tickets if breached else 0, tickets if soon and not breached else 0)
        for dimension, columns in (
            ("platform_stage", (platform_id, stage_id, None, None)),
            ("agent", (None, None, assignee_id, None)),
            ("age", (None, None, None, bucket)),
        ):
            sums = totals[dimension][columns]
            totals[dimension][columns] = [total + count for total, count in zip(sums, counts, strict=True)]
    return [
        [dimension, *columns, *counts]
        for dimension, groups_of_dimension in totals.items()
        for columns, counts in sorted(groups_of_dimension.items(), key=lambda item: _nulls_last(item[0]))
    ]


# ------------------------------------------------------------------------------------ urgent deadlines


def _urgent_part(*, deadline: str, condition: Q, due: str, breached: bool, limit: int) -> list[list[Any]]:
    tickets = (
        WithdrawalTicket.objects.filter(condition, status__in=QUEUE_STATUSES)
        .order_by(F(due).asc(nulls_last=True), "id")
        .values_list("id", "reference", due, "platform_id", "stage_id", "assignee_id", "status")[:limit]
    )
    return [
        [ticket_id, reference, deadline, breached, due_at, platform_id, stage_id, assignee_id, status]
        for ticket_id, reference, due_at, platform_id, stage_id, assignee_id, status in tickets
    ]


def urgent_rows(
    *,
    now: datetime,
    limit: int = URGENT_LIST_LIMIT,
    chosen: DashboardFilter = NO_FILTER,
    tz: ZoneInfo = SHANGHAI,
) -> list[list[Any]]:
    """Open tickets' owed deadlines, breached or due within the hour, `limit` of each kind; four queries."""
    within = received_q(chosen, tz)
    parts = (
        (FIRST_CONTACT, CONTACT_BREACHED, "first_contact_due_at", True),
        (DECISION, DECISION_BREACHED, "decision_due_at", True),
        (FIRST_CONTACT, _contact_soon(now), "first_contact_due_at", False),
        (DECISION, _decision_soon(now), "decision_due_at", False),
    )
    return [
        row
        for deadline, condition, due, breached in parts
        for row in _urgent_part(
            deadline=deadline, condition=condition & within, due=due, breached=breached, limit=limit
        )
    ]


# ------------------------------------------------------------------------------------ history


def _measured(ticket: tuple[Any, ...], *, now: datetime) -> list[tuple[str, datetime, bool]]:
    """A ticket's settled measures: (measure, the moment it counts on, good), as the SQL's VALUES list."""
    first_contact_due, first_contact, decision_due, decided, status = ticket[:5]
    measured = []
    if first_contact_due is not None and (first_contact is not None or first_contact_due <= now):
        met = first_contact is not None and first_contact <= first_contact_due
        measured.append((FIRST_CONTACT, first_contact_due, met))
    if decision_due is not None and (
        decided is not None or (decision_due <= now and status != TicketStatus.WAITING_ON_REQUESTER)
    ):
        measured.append((DECISION, decision_due, decided is not None and decided <= decision_due))
    if decided is not None and status in DECIDED_STATUSES:
        measured.append((OUTCOME, decided, status == TicketStatus.APPROVED))
    return measured


def history_rows(
    *, now: datetime, tz: ZoneInfo, period: list[date] | None = None, chosen: DashboardFilter = NO_FILTER
) -> list[list[Any]]:
    """The history aggregate as plain rows (measure, dimension, key, counted, good); one bounded read."""
    _days, start, end = history_window(now=now, tz=tz, period=period)
    in_window = Q()
    for column in ("first_contact_due_at", "decision_due_at", "decided_at"):
        in_window |= Q(**{f"{column}__gte": start, f"{column}__lt": end})
    tickets = (
        WithdrawalTicket.objects.exclude(status__in=(TicketStatus.DRAFT, TicketStatus.CANCELLED))
        .filter(in_window, ticket_q(chosen))
        .values_list(
            "first_contact_due_at",
            "first_contact_at",
            "decision_due_at",
            "decided_at",
            "status",
            "platform_id",
            "complaint_type_id",
            "assignee_id",
        )
        .order_by()
    )
    rates: dict[tuple[str, str, Any], list[int]] = defaultdict(lambda: [0, 0])
    for ticket in tickets:
        platform_id, complaint_type_id, assignee_id = ticket[5:]
        for measure, at, good in _measured(ticket, now=now):
            if not start <= at < end:
                continue
            day: date = at.astimezone(tz).date()
            for dimension, key in (
                ("day", day),
                ("platform", platform_id),
                ("type", complaint_type_id),
                ("agent", assignee_id),
            ):
                counts = rates[(measure, dimension, key)]
                counts[0] += 1
                counts[1] += int(good)
    return [
        [measure, dimension, key, counted, good]
        for (measure, dimension, key), (counted, good) in sorted(
            rates.items(), key=lambda item: (item[0][0], item[0][1], _nulls_last((item[0][2],)))
        )
    ]
