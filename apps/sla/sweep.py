"""The sweep: move every ticket whose next clock boundary has passed, in set-based batches.

Each batch is one transaction: it locks its due rows with SKIP LOCKED (two sweeps at once share
the work and never take the same ticket), applies the clock's rule to every row (receipt, expiry,
stages passed, breaches, the next boundary) and writes the rows, their events and stage entries.
Events carry unique keys (one per ticket and boundary), so a change is recorded once however often
a killed or repeated sweep retries it.

In PostgreSQL the whole batch is one statement (`SWEEP_SQL`): no row travels to Python. Elsewhere
(the embedded SQLite default) the batch is read through the ORM, each row goes through the pure
`transitions.advance`, and the changes are written back through the ORM. Both follow the same rule;
tests/sla/test_sweep_sql.py holds them to the same answers.
"""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.models import F

from apps.policy.models import Stage
from apps.sla.transitions import (
    CLOCKED,
    CONTACT_OWED,
    DECISION_OWED,
    EXPIRED,
    RECEIVED,
    SUBMITTED,
    Advance,
    ClockRow,
    StageWindow,
    advance,
)
from apps.tickets.models import EventKind, StageEntry, TicketEvent, WithdrawalTicket

SWEEP_BATCH_SIZE = 2000
CLOCK_ACTOR = "clock"
# A ticket still due after its batch (bad data, e.g. no filing time) is retried by the next sweep,
# not by this one, so one bad row can never keep a sweep looping.
STUCK_RETRY_DELAY = timedelta(minutes=1)
ROW_COLUMNS = [f.name for f in fields(ClockRow)]
WRITTEN_COLUMNS = [
    "status",
    "stage_id",
    "stage_entered_at",
    "stage_ends_at",
    "first_contact_breached_at",
    "decision_breached_at",
    "next_transition_at",
]

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    due: int = 0
    received: int = 0
    stage_changes: int = 0
    expired: int = 0
    breaches: int = 0
    batches: int = 0
    breach_event_keys: list[str] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return self.received + self.stage_changes + self.expired + self.breaches

    def add(self, other: "SweepResult") -> None:
        for name in ("due", "received", "stage_changes", "expired", "breaches", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.breach_event_keys.extend(other.breach_event_keys)


def _windows() -> list[StageWindow]:
    return [
        StageWindow(
            id=stage.pk, code=stage.code, starts_at_hour=stage.starts_at_hour, ends_at_hour=stage.ends_at_hour
        )
        for stage in Stage.objects.order_by("starts_at_hour")
    ]


def _log_stuck(ids: Iterable[int]) -> None:
    logger.error("clock sweep: tickets %s stay due after their batch; retrying later", sorted(ids))


# ------------------------------------------------------------------ PostgreSQL: one statement a batch


def _in(values: Iterable[str]) -> str:
    """An SQL list of status codes: code constants, never input."""
    return "(" + ", ".join(f"'{value}'" for value in sorted(values)) + ")"


# `transitions.advance` and `next_transition`, for a whole batch at once, in the same order:
# 1. receipt, 2. expiry, 3. every stage passed, 4. breaches, then the next boundary of the result
# (and the stuck-row guard); then the row, its events and its stage entries are written. Every
# column name and status code below is a constant of this module, never input.
SWEEP_SQL = f"""
WITH stage AS (
    SELECT * FROM unnest(%(stage_ids)s::bigint[], %(stage_codes)s::text[], %(stage_starts)s::int[],
                         %(stage_ends)s::int[])
        WITH ORDINALITY AS s(id, code, starts_at_hour, ends_at_hour, ord)
),
due AS MATERIALIZED (  -- locked once, read twice
    SELECT {", ".join(ROW_COLUMNS)} FROM tickets_withdrawalticket
    WHERE next_transition_at <= %(now)s ORDER BY next_transition_at LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
),
moved AS (
    SELECT d.id, d.complaint_filed_at, d.received_at, d.complaint_resolution_at,
           rec.received, rec.status AS received_status, exp.expired, exp.status,
           st.changed AS stage_changed, cur.ord AS from_ord, cur.code AS from_code, target.ord AS to_ord,
           st.stage_id, st.stage_entered_at, st.stage_ends_at,
           br.contact_breach, br.first_contact_breached_at, br.decision_breach, br.decision_breached_at,
           fin.stuck, fin.next_transition_at
    FROM due AS d
    -- 1. A submitted ticket whose receipt has come is received.
    CROSS JOIN LATERAL (
        SELECT x.c AS received, CASE WHEN x.c THEN '{RECEIVED}' ELSE d.status END AS status
        FROM (SELECT coalesce(d.status = '{SUBMITTED}' AND d.received_at <= %(now)s, false) AS c) AS x
    ) AS rec
    -- 2. A clocked ticket whose complaint is resolved expires.
    CROSS JOIN LATERAL (
        SELECT x.c AS expired, CASE WHEN x.c THEN '{EXPIRED}' ELSE rec.status END AS status
        FROM (SELECT coalesce(rec.status IN {_in(CLOCKED)} AND d.complaint_resolution_at <= %(now)s, false)
                  AS c) AS x
    ) AS exp
    -- 3. A clocked ticket goes to the stage its complaint's age calls for.
    LEFT JOIN stage AS cur ON cur.id = d.stage_id
    LEFT JOIN LATERAL (
        SELECT s.* FROM stage AS s
        WHERE exp.status IN {_in(CLOCKED)}
          AND d.complaint_filed_at + make_interval(hours => s.starts_at_hour) <= %(now)s
          AND (s.ends_at_hour IS NULL
               OR %(now)s < d.complaint_filed_at + make_interval(hours => s.ends_at_hour))
        ORDER BY s.ord LIMIT 1
    ) AS target ON true
    CROSS JOIN LATERAL (
        SELECT x.c AS changed,
               CASE WHEN x.c THEN target.id ELSE d.stage_id END AS stage_id,
               CASE WHEN x.c THEN d.complaint_filed_at + make_interval(hours => target.starts_at_hour)
                    ELSE d.stage_entered_at END AS stage_entered_at,
               CASE WHEN x.c THEN d.complaint_filed_at + make_interval(hours => target.ends_at_hour)
                    ELSE d.stage_ends_at END AS stage_ends_at
        FROM (SELECT target.ord IS NOT NULL AND target.ord IS DISTINCT FROM cur.ord AS c) AS x
    ) AS st
    -- 4. A deadline still owed and passed is breached; one passed before receipt, on receipt.
    CROSS JOIN LATERAL (
        SELECT x.contact AS contact_breach,
               CASE WHEN x.contact THEN greatest(d.first_contact_due_at, d.received_at)
                    ELSE d.first_contact_breached_at END AS first_contact_breached_at,
               x.decision AS decision_breach,
               CASE WHEN x.decision THEN greatest(d.decision_due_at, d.received_at)
                    ELSE d.decision_breached_at END AS decision_breached_at
        FROM (
            SELECT coalesce(exp.status IN {_in(CONTACT_OWED)} AND d.first_contact_at IS NULL
                            AND d.first_contact_breached_at IS NULL
                            AND d.first_contact_due_at <= %(now)s, false) AS contact,
                   coalesce(exp.status IN {_in(DECISION_OWED)} AND d.decision_breached_at IS NULL
                            AND d.decision_due_at <= %(now)s, false) AS decision
        ) AS x
    ) AS br
    -- The next boundary of the result (transitions.next_transition); still due: retry later.
    CROSS JOIN LATERAL (
        SELECT coalesce(x.at <= %(now)s, false) AS stuck,
               CASE WHEN x.at <= %(now)s THEN %(retry_at)s ELSE x.at END AS next_transition_at
        FROM (
            SELECT least(
                CASE WHEN exp.status = '{SUBMITTED}' THEN d.received_at END,
                CASE WHEN exp.status IN {_in(CLOCKED)} THEN st.stage_ends_at END,
                CASE WHEN exp.status IN {_in(CLOCKED)} THEN d.complaint_resolution_at END,
                CASE WHEN exp.status IN {_in(CONTACT_OWED)} AND d.first_contact_at IS NULL
                          AND br.first_contact_breached_at IS NULL THEN d.first_contact_due_at END,
                CASE WHEN exp.status IN {_in(DECISION_OWED)} AND br.decision_breached_at IS NULL
                     THEN d.decision_due_at END
            ) AS at
        ) AS x
    ) AS fin
),
events AS (
    SELECT id AS ticket_id, 1 AS seq, '{EventKind.RECEIVED.value}' AS kind, 'received:' || id AS dedupe_key,
           received_at AS occurred_at, '{SUBMITTED}' AS from_value, '{RECEIVED}' AS to_value,
           '{{}}'::jsonb AS data, NULL::bigint AS stage_id
    FROM moved WHERE received
    UNION ALL
    SELECT id, 2, '{EventKind.STATUS_CHANGED.value}', 'expired:' || id, complaint_resolution_at,
           received_status, '{EXPIRED}', '{{"reason": "complaint_resolved"}}', NULL
    FROM moved WHERE expired
    UNION ALL
    -- Every stage passed, each dated at its own start; moving back (after a policy change) enters
    -- the one stage the complaint is in.
    SELECT m.id, 2 + s.ord, '{EventKind.STAGE_CHANGED.value}', 'stage:' || m.id || ':' || s.code,
           m.complaint_filed_at + make_interval(hours => s.starts_at_hour),
           CASE WHEN m.to_ord < m.from_ord THEN m.from_code ELSE coalesce(before.code, '') END, s.code,
           '{{}}', s.id
    FROM moved AS m
    JOIN stage AS s ON m.stage_changed AND s.ord <= m.to_ord
                       AND (s.ord = m.to_ord OR s.ord > coalesce(m.from_ord, 0))
    LEFT JOIN stage AS before ON before.ord = s.ord - 1
    UNION ALL
    SELECT id, 1000001, '{EventKind.DEADLINE_BREACHED.value}', 'breach:first_contact:' || id,
           first_contact_breached_at, '', 'first_contact', '{{"deadline": "first_contact"}}', NULL
    FROM moved WHERE contact_breach
    UNION ALL
    SELECT id, 1000002, '{EventKind.DEADLINE_BREACHED.value}', 'breach:decision:' || id,
           decision_breached_at, '', 'decision', '{{"deadline": "decision"}}', NULL
    FROM moved WHERE decision_breach
),
written AS (
    UPDATE tickets_withdrawalticket AS t SET
        status = m.status, stage_id = m.stage_id, stage_entered_at = m.stage_entered_at,
        stage_ends_at = m.stage_ends_at, first_contact_breached_at = m.first_contact_breached_at,
        decision_breached_at = m.decision_breached_at, next_transition_at = m.next_transition_at,
        version = t.version + (m.received OR m.expired OR m.stage_changed OR m.contact_breach
                               OR m.decision_breach)::int
    FROM moved AS m
    -- By the ids, never a scan of the table: a plain join on id may hash the whole table.
    WHERE t.id = ANY(ARRAY(SELECT id FROM due)) AND t.id = m.id
),
logged AS (
    INSERT INTO tickets_ticketevent
        (ticket_id, kind, actor_label, occurred_at, from_value, to_value, data, dedupe_key)
    SELECT ticket_id, kind, %(actor)s, occurred_at, from_value, to_value, data, dedupe_key
    FROM events ORDER BY ticket_id, seq
    ON CONFLICT (dedupe_key) DO NOTHING
),
entered AS (
    INSERT INTO tickets_stageentry (ticket_id, stage_id, entered_at)
    SELECT ticket_id, stage_id, occurred_at FROM events WHERE stage_id IS NOT NULL
    ON CONFLICT (ticket_id, stage_id) DO NOTHING
)
SELECT count(*), count(*) FILTER (WHERE received), count(*) FILTER (WHERE expired),
       count(*) FILTER (WHERE stage_changed),
       (SELECT coalesce(array_agg(dedupe_key ORDER BY ticket_id, seq), '{{}}') FROM events
        WHERE seq > 1000000),
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE stuck), '{{}}')
FROM moved
"""  # noqa: S608


def _pg(sql: str, params: Sequence[Any] | dict[str, Any], *, fetch: bool = False) -> list[tuple[Any, ...]]:
    """Run one statement with server-side binding and binary results, in Django's transaction.

    Django's own psycopg cursor binds parameters client-side as text and reads timestamps as text.
    """
    started = time.perf_counter()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall() if fetch else []
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.perf_counter() - started:.3f}"})
    return rows


@dataclass(frozen=True)
class _Batch:
    now: datetime
    stages: Sequence[StageWindow]
    size: int


def _write_postgresql(batch: _Batch) -> SweepResult:
    """Lock, advance and write one batch in PostgreSQL: one statement, no row through Python."""
    ((due, received, expired, stage_changes, breach_keys, stuck),) = _pg(
        SWEEP_SQL,
        {
            "now": batch.now,
            "limit": batch.size,
            "retry_at": batch.now + STUCK_RETRY_DELAY,
            "actor": CLOCK_ACTOR,
            "stage_ids": [stage.id for stage in batch.stages],
            "stage_codes": [stage.code for stage in batch.stages],
            "stage_starts": [stage.starts_at_hour for stage in batch.stages],
            "stage_ends": [stage.ends_at_hour for stage in batch.stages],
        },
        fetch=True,
    )
    if stuck:
        _log_stuck(stuck)
    return SweepResult(
        due=due,
        batches=1 if due else 0,
        received=received,
        expired=expired,
        stage_changes=stage_changes,
        breaches=len(breach_keys),
        breach_event_keys=list(breach_keys),
    )


# ------------------------------------------------------------------ elsewhere: the ORM and `advance`


def _lock_due(now: datetime, batch_size: int) -> list[ClockRow]:
    rows = (
        WithdrawalTicket.objects.filter(next_transition_at__lte=now)
        .order_by("next_transition_at")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list(*ROW_COLUMNS)[:batch_size]
    )
    return [ClockRow(*row) for row in rows]


def _retry_stuck(done: list[Advance], now: datetime) -> list[Advance]:
    stuck_ids = {
        item.row.id
        for item in done
        if item.row.next_transition_at is not None and item.row.next_transition_at <= now
    }
    if not stuck_ids:
        return done
    _log_stuck(stuck_ids)
    retry = now + STUCK_RETRY_DELAY
    return [
        replace(item, row=replace(item.row, next_transition_at=retry)) if item.row.id in stuck_ids else item
        for item in done
    ]


def _write_portable(done: Sequence[Advance]) -> None:
    """The batch's writes through the ORM."""
    tickets = []
    for item in done:
        ticket = WithdrawalTicket(
            pk=item.row.id, **{column: getattr(item.row, column) for column in WRITTEN_COLUMNS}
        )
        tickets.append(ticket)
    WithdrawalTicket.objects.bulk_update(tickets, WRITTEN_COLUMNS)
    changed = [item.row.id for item in done if item.changed]
    if changed:
        WithdrawalTicket.objects.filter(pk__in=changed).update(version=F("version") + 1)
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=item.row.id,
                kind=e.kind,
                actor_label=CLOCK_ACTOR,
                occurred_at=e.at,
                from_value=e.from_value,
                to_value=e.to_value,
                data=e.data,
                dedupe_key=e.key,
            )
            for item in done
            for e in item.events
        ],
        ignore_conflicts=True,
    )
    StageEntry.objects.bulk_create(
        [
            StageEntry(ticket_id=item.row.id, stage_id=stage_id, entered_at=at)
            for item in done
            for stage_id, at in item.stages_entered
        ],
        ignore_conflicts=True,
    )


def _sweep_portable(batch: _Batch) -> SweepResult:
    rows = _lock_due(batch.now, batch.size)
    if not rows:
        return SweepResult()
    done = _retry_stuck([advance(row, batch.now, batch.stages) for row in rows], batch.now)
    _write_portable(done)
    return SweepResult(
        due=len(rows),
        batches=1,
        received=sum(item.received for item in done),
        expired=sum(item.expired for item in done),
        stage_changes=sum(item.stage_changed for item in done),
        breaches=sum(len(item.breaches) for item in done),
        breach_event_keys=[key for item in done for key in item.breaches],
    )


# ------------------------------------------------------------------------------------ the sweep


def _in_sql() -> bool:
    """Whether the batch runs as one PostgreSQL statement (else through the ORM and `advance`)."""
    return connection.vendor == "postgresql"


def _sweep_batch(now: datetime, stages: Sequence[StageWindow], batch_size: int) -> SweepResult:
    batch = _Batch(now=now, stages=stages, size=batch_size)
    with transaction.atomic():
        if not _in_sql():
            return _sweep_portable(batch)
        # Every change here is derived from the clock columns: a commit lost in a crash leaves
        # those tickets due, and the next sweep redoes them under the same event keys. So the
        # sweep need not wait for its commits to reach the disk.
        _pg("SET LOCAL synchronous_commit TO off", [])
        return _write_postgresql(batch)


def clock_sweep(
    *,
    now: datetime,
    batch_size: int = SWEEP_BATCH_SIZE,
    after_commit: Callable[[SweepResult], None] | None = None,
) -> SweepResult:
    """Move every due ticket across the boundaries it passed by `now`; return what changed."""
    stages = _windows()
    total = SweepResult()
    while True:
        result = _sweep_batch(now, stages, batch_size)
        total.add(result)
        if after_commit is not None and result.due:
            after_commit(result)
        if result.due < batch_size:
            return total
