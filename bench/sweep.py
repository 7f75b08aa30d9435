"""Time one clock sweep over 10,000 due tickets among 100,000 and then 1,000,000 open ones.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.sweep [--open N ...] [--due N] [--repeat N]

The scene is the first beat after the morning opening (09:00:30 Asia/Shanghai on a Wednesday):
the night's submissions are released (received at 09:00:00), complaints cross a stage end, and
tickets received at earlier openings miss their platform's handling deadline. Those are the due
tickets; every other open ticket has its next boundary in the future, with its clock columns
computed by the project's own pure clock (apps.sla.deadlines.ticket_clock) from the policy in the
database. The rows go in with COPY and INSERT ... SELECT, never the ORM, into a dedicated database
(its name must contain "bench": the tables are truncated before each run). Each size is loaded and
swept --repeat times, the sizes taking turns, and the best and median sweep times are compared.
"""

import argparse
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chehui_bench"
DEFAULT_SIZES = (100_000, 1_000_000)
DEFAULT_DUE = 10_000
DEFAULT_REPEAT = 3
# A Wednesday in a year whose official holiday calendar is known; the sweep runs 30 s after opening.
SCENE_DAY = date(2025, 6, 11)
AFTER_OPENING = timedelta(seconds=30)
# Open tickets' complaints were filed up to this long ago, one template every GRID apart.
OLDEST_COMPLAINT = timedelta(days=7)
GRID = timedelta(minutes=2)
SUBMITTED_AFTER_FILING = timedelta(minutes=10)
CONTACTED_AFTER_RECEIPT = timedelta(minutes=20)
# Due mix: share of night receipts and of stage ends; the rest miss their handling deadline.
RECEIPT_SHARE = 0.6
STAGE_END_SHARE = 0.2
# Tickets submitted during one beat interval before the sweep cross their boundary inside it.
BEAT = timedelta(minutes=1)
PLATFORMS = ("wechat", "alipay", "douyin", "taobao")
# Fraud complaints are frozen at once: a request to withdraw one is refused at intake.
COMPLAINT_TYPES = ("infringement", "account_violation", "content_infringement")
TARGET_SECONDS = 1.0
TARGET_DIFFERENCE_PERCENT = 5.0


class BenchError(Exception):
    """The generated data is not what the benchmark claims it is."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


class Template(NamedTuple):
    """One ticket's clock columns, as COPY writes them into the template table."""

    idx: int
    platform_id: int
    complaint_type_id: int
    stage_id: int
    status: str
    filed_at: datetime
    submitted_at: datetime
    received_at: datetime
    stage_entered_at: datetime
    stage_ends_at: datetime | None
    first_contact_due_at: datetime
    first_contact_at: datetime | None
    first_contact_breached_at: datetime | None
    decision_due_at: datetime
    decision_breached_at: datetime | None
    complaint_resolution_at: datetime
    deadlines_provisional: bool
    next_transition_at: datetime


class Run(NamedTuple):
    open_tickets: int
    due: int
    transitions: int
    batches: int
    load_seconds: float
    sweep_seconds: float
    python_seconds: float


# ------------------------------------------------------------------------------------ database


def _database_ready() -> None:
    """Default DATABASE_URL to the bench database, refuse any other, create it if missing."""
    import environ
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The sweep runs in a worker with DEBUG off; DEBUG's query log would time itself too.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["ENGINE"] != "django.db.backends.postgresql" or "bench" not in config["NAME"]:
        sys.exit(
            "bench.sweep truncates the tickets and complaints tables: point DATABASE_URL at a "
            f"PostgreSQL database whose name contains 'bench' (default {DEFAULT_DATABASE_URL})."
        )
    server = {
        key.lower(): str(config[key]) for key in ("HOST", "PORT", "USER", "PASSWORD") if config.get(key)
    }
    with psycopg.connect(make_conninfo(dbname="postgres", **server), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def _django_ready() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# ------------------------------------------------------------------------------------ templates


class Builder:
    """Compute ticket rows with the project's pure clock, as each would stand at a given moment."""

    def __init__(self) -> None:
        from apps.policy.models import ComplaintType, Platform, Stage
        from apps.sla.policy import clock_policy_load

        self.policy = clock_policy_load(today=SCENE_DAY)
        window = self.policy.window
        self.now = window.at(SCENE_DAY, window.opens) + AFTER_OPENING
        self.opening = window.at(SCENE_DAY, window.opens)
        self.last_closing = window.at(SCENE_DAY - timedelta(days=1), window.closes)
        self.platform_ids = dict(Platform.objects.values_list("code", "pk"))
        self.type_ids = dict(ComplaintType.objects.values_list("code", "pk"))
        self.stage_ids = dict(Stage.objects.values_list("code", "pk"))

    def row(
        self, idx: int, *, platform: str, kind: str, filed: datetime, submitted: datetime, at: datetime
    ) -> Template | None:
        """The ticket as the sweep left it at `at`; None when it would no longer be open then."""
        from apps.sla.deadlines import ticket_clock
        from apps.tickets.models import TicketStatus

        clock = ticket_clock(
            self.policy, platform=platform, complaint_type=kind, filed_at=filed, submitted_at=submitted, at=at
        )
        if clock.complaint_resolution_at <= at:
            return None  # the sweep would have expired it
        received = clock.received_at <= at
        contacted = clock.received_at + CONTACTED_AFTER_RECEIPT
        contact_at = contacted if received and contacted <= at else None
        contact_missed = (
            received
            and clock.first_contact_due_at <= at
            and (contact_at is None or contact_at > clock.first_contact_due_at)
        )
        status = TicketStatus.RECEIVED if received else TicketStatus.SUBMITTED
        moments = [clock.complaint_resolution_at]
        if not received:
            moments.append(clock.received_at)
        if clock.stage_ends_at is not None:
            moments.append(clock.stage_ends_at)
        if received and contact_at is None and not contact_missed:
            moments.append(clock.first_contact_due_at)
        decision_missed = received and clock.decision_due_at <= at
        if received and not decision_missed:
            moments.append(clock.decision_due_at)
        return Template(
            idx=idx,
            platform_id=self.platform_ids[platform],
            complaint_type_id=self.type_ids[kind],
            stage_id=self.stage_ids[clock.stage.code],
            status=str(status),
            filed_at=filed,
            submitted_at=submitted,
            received_at=clock.received_at,
            stage_entered_at=clock.stage_entered_at,
            stage_ends_at=clock.stage_ends_at,
            first_contact_due_at=clock.first_contact_due_at,
            first_contact_at=contact_at,
            # A deadline that passed before customer service had the ticket is breached on receipt.
            first_contact_breached_at=(
                max(clock.first_contact_due_at, clock.received_at) if contact_missed else None
            ),
            decision_due_at=clock.decision_due_at,
            decision_breached_at=max(clock.decision_due_at, clock.received_at) if decision_missed else None,
            complaint_resolution_at=clock.complaint_resolution_at,
            deadlines_provisional=clock.provisional,
            next_transition_at=min(moments),
        )

    def open_templates(self) -> list[Template]:
        """Tickets up to date at `now`, next boundary later; none was received this morning."""
        rows: list[Template] = []
        age = GRID / 2
        while age < OLDEST_COMPLAINT:
            filed = self.now - age
            for platform, kind in _combinations(0):
                row = self.row(
                    len(rows),
                    platform=platform,
                    kind=kind,
                    filed=filed,
                    submitted=filed + SUBMITTED_AFTER_FILING,
                    at=self.now,
                )
                if row is not None and row.submitted_at <= self.now and row.received_at < self.opening:
                    _require(row.next_transition_at > self.now, f"open-ticket template is due: {row}")
                    rows.append(row)
            age += GRID
        return rows

    def due_templates(self, count: int, first_idx: int) -> list[Template]:
        """`count` tickets left as they were just before a boundary that has now passed."""
        receipts = int(count * RECEIPT_SHARE)
        stage_ends = int(count * STAGE_END_SHARE)
        rows = [
            *self._night_receipts(receipts),
            *self._stage_ends(stage_ends),
            *self._decisions_missed(count - receipts - stage_ends),
        ]
        rows = [row._replace(idx=first_idx + index) for index, row in enumerate(rows)]
        _require(len(rows) == count, f"{len(rows)} due templates instead of {count}")
        _require(all(row.next_transition_at <= self.now for row in rows), "a due template is not due")
        return rows

    def _night_receipts(self, count: int) -> Iterator[Template]:
        """Submitted between last night's closing and this morning's opening: received at 09:00:00."""
        night = self.opening - self.last_closing
        for i in range(count):
            submitted = self.last_closing + night * (i + 0.5) / count
            platform, kind = _combinations(i)[0]
            filed = submitted - timedelta(minutes=5 + i % 86)
            yield self._required(
                self.row(
                    0,
                    platform=platform,
                    kind=kind,
                    filed=filed,
                    submitted=submitted,
                    at=self.opening - timedelta(seconds=1),
                )
            )

    def _stage_ends(self, count: int) -> Iterator[Template]:
        """Complaints whose stage ended during the last beat interval."""
        ends = [stage.ends_at_hour for stage in self.policy.stages if stage.ends_at_hour is not None]
        for i in range(count):
            boundary = self.now - BEAT * (i + 0.5) / count
            filed = boundary - timedelta(hours=ends[i % len(ends)])
            platform, kind = _combinations(i)[0]
            yield self._required(
                self.row(
                    0,
                    platform=platform,
                    kind=kind,
                    filed=filed,
                    submitted=filed + SUBMITTED_AFTER_FILING,
                    at=boundary - timedelta(seconds=1),
                )
            )

    def _decisions_missed(self, count: int) -> Iterator[Template]:
        """Tickets received one platform handling time ago, still undecided, due during the last beat."""
        for i in range(count):
            platform, kind = _combinations(i)[0]
            hours = timedelta(hours=self.policy.platform_hours[platform])
            # Submitted before an opening: received, and due, at that opening; else at once.
            submitted = self.now - hours - BEAT * (i + 0.5) / count
            yield self._required(
                self.row(
                    0,
                    platform=platform,
                    kind=kind,
                    filed=submitted - SUBMITTED_AFTER_FILING,
                    submitted=submitted,
                    at=self.now - BEAT,
                )
            )

    @staticmethod
    def _required(row: Template | None) -> Template:
        if row is None:
            raise BenchError("a due ticket's complaint was resolved before its boundary: pick another day")
        return row


def _combinations(i: int) -> list[tuple[str, str]]:
    """Every platform with every complaint type, rotated so that consecutive tickets differ."""
    pairs = [(platform, kind) for kind in COMPLAINT_TYPES for platform in PLATFORMS]
    shift = i % len(pairs)
    return pairs[shift:] + pairs[:shift]


# ------------------------------------------------------------------------------------ loading

TEMPLATE_TABLE = f"""
CREATE TEMP TABLE bench_template (
    {
    ", ".join(
        f"{name} {kind}"
        for name, kind in (
            ("idx", "bigint"),
            ("platform_id", "bigint"),
            ("complaint_type_id", "bigint"),
            ("stage_id", "bigint"),
            ("status", "text"),
            ("filed_at", "timestamptz"),
            ("submitted_at", "timestamptz"),
            ("received_at", "timestamptz"),
            ("stage_entered_at", "timestamptz"),
            ("stage_ends_at", "timestamptz"),
            ("first_contact_due_at", "timestamptz"),
            ("first_contact_at", "timestamptz"),
            ("first_contact_breached_at", "timestamptz"),
            ("decision_due_at", "timestamptz"),
            ("decision_breached_at", "timestamptz"),
            ("complaint_resolution_at", "timestamptz"),
            ("deadlines_provisional", "boolean"),
            ("next_transition_at", "timestamptz"),
        )
    )
}
) ON COMMIT DROP
"""
# Bulk ticket g takes template g * templates / bulk (an even spread); due ticket d its own template.
# Ids follow submission time, as they would in production.
PLAN = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY t.submitted_at, s.n) AS id, t.*
FROM (
    SELECT g AS n,
           CASE WHEN g < %(bulk)s THEN g * %(templates)s / %(bulk)s
                ELSE %(templates)s + g - %(bulk)s END AS idx
    FROM generate_series(0::bigint, %(total)s - 1) AS g
) AS s
JOIN bench_template AS t USING (idx)
"""
COMPLAINTS = """
INSERT INTO complaints_complaint
    (id, platform_id, number, complaint_type_id, complainant_name, respondent, summary, filed_at, status,
     created_at)
SELECT id, platform_id, 'BENCH' || lpad(id::text, 10, '0'), complaint_type_id, 'bench', 'bench respondent',
       '', filed_at, 'open', filed_at
FROM bench_plan ORDER BY id
"""
# A ticket number of the product's own form (CH-XXXX-XXXX, apps.tickets.models.REFERENCE_ALPHABET)
# made from the row's id, so the pages can link to the bench's tickets.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = [f"substr('{REFERENCE_ALPHABET}', 1 + mod(id / {32**k}, 32)::int, 1)" for k in range(7, -1, -1)]
BENCH_REFERENCE = "'CH-' || " + " || ".join(_DIGITS[:4]) + " || '-' || " + " || ".join(_DIGITS[4:])
TICKETS = """
INSERT INTO tickets_withdrawalticket
    (id, reference, source, status, entry_completed_at, complaint_number_completed_at, identity_verified_at,
     letter_completed_at, submitted_at, received_at, stage_entered_at, first_contact_at, decision_reason,
     paused_seconds, first_contact_due_at, decision_due_at, complaint_resolution_at, stage_ends_at,
     deadlines_provisional, first_contact_breached_at, decision_breached_at, next_transition_at, version,
     created_at, updated_at, complaint_id, complaint_type_id, platform_id, stage_id, complaint_filed_at)
SELECT id, {reference}, 'portal', status, filed_at, filed_at, submitted_at,
       submitted_at, submitted_at, received_at, stage_entered_at, first_contact_at, '',
       0, first_contact_due_at, decision_due_at, complaint_resolution_at, stage_ends_at,
       deadlines_provisional, first_contact_breached_at, decision_breached_at, next_transition_at, 1,
       filed_at, submitted_at, id, complaint_type_id, platform_id, stage_id, filed_at
FROM bench_plan ORDER BY id
""".replace("{reference}", BENCH_REFERENCE)
# A minimal history, so the event log's unique keys and the stage entries are as large as the tickets.
HISTORY = [
    """
    INSERT INTO tickets_stageentry (ticket_id, stage_id, entered_at)
    SELECT id, stage_id, stage_entered_at FROM bench_plan ORDER BY id
    """,
    """
    INSERT INTO tickets_ticketevent (ticket_id, kind, actor_label, occurred_at, from_value, to_value, data,
                                     dedupe_key)
    SELECT id, 'submitted', '', submitted_at, 'draft', 'submitted', '{}'::jsonb, NULL FROM bench_plan
    UNION ALL
    SELECT id, 'received', 'clock', received_at, 'submitted', 'received', '{}'::jsonb, 'received:' || id
    FROM bench_plan WHERE status = 'received'
    ORDER BY 1
    """,
]
TABLES = ("complaints_complaint", "tickets_withdrawalticket", "tickets_stageentry", "tickets_ticketevent")


def load(
    builder: Builder, bulk_templates: Sequence[Template], due: int, open_tickets: int
) -> dict[str, float]:
    """Replace every ticket and complaint with `open_tickets` open ones, `due` of them due now.

    The indexes stay in place, so they grow as they do in production. The deferred foreign-key
    checks are skipped (session_replication_role): every row they would look up is written by this
    same load, and they would take longer than the load itself.
    """
    from django.db import connection, transaction

    phases: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        phases[name] = time.perf_counter() - started
        started = time.perf_counter()

    due_rows = builder.due_templates(due, first_idx=len(bulk_templates))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE complaints_complaint, tickets_withdrawalticket RESTART IDENTITY CASCADE")
        cursor.execute(TEMPLATE_TABLE)
        with (
            connection.connection.cursor() as raw,
            raw.copy(f"COPY bench_template ({', '.join(Template._fields)}) FROM STDIN") as copy,
        ):
            for row in (*bulk_templates, *due_rows):
                copy.write_row(row)
        cursor.execute(
            PLAN, {"bulk": open_tickets - due, "templates": len(bulk_templates), "total": open_tickets}
        )
        lap("copy")
        for statement in (COMPLAINTS, TICKETS, *HISTORY):
            cursor.execute(statement)
        for table in ("complaints_complaint", "tickets_withdrawalticket"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [open_tickets])
        lap("insert")
    _check_loaded(builder, open_tickets, due)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        # Flush the load now, so that no checkpoint it triggered writes during the timed sweep.
        cursor.execute("CHECKPOINT")
    lap("vacuum")
    return phases


CHECK_SAMPLE = 20_000


def _check_loaded(builder: Builder, open_tickets: int, due: int) -> None:
    """The loader's next_transition_at must be what the project's own rule computes."""
    from apps.sla.sweep import ROW_COLUMNS
    from apps.sla.transitions import ClockRow, next_transition
    from apps.tickets.models import OPEN_STATUSES, WithdrawalTicket

    tickets = WithdrawalTicket.objects
    _require(tickets.filter(status__in=OPEN_STATUSES).count() == open_tickets, "wrong number of open tickets")
    _require(tickets.filter(next_transition_at__lte=builder.now).count() == due, "wrong number due")
    # Every due ticket and a sample of the rest: the rule is Python, so the check reads the rows.
    sample = list(tickets.filter(next_transition_at__lte=builder.now).values_list(*ROW_COLUMNS))
    sample += list(tickets.order_by("?").values_list(*ROW_COLUMNS)[:CHECK_SAMPLE])
    wrong = [
        row
        for row in (ClockRow(*values) for values in sample)
        if row.next_transition_at != next_transition(row)
    ]
    _require(not wrong, "the loader and apps.sla.transitions disagree on next_transition_at")


# ------------------------------------------------------------------------------------ measuring


def measure(builder: Builder, *, show_queries: bool) -> tuple[Any, float, float]:
    """Time one clock_sweep over the due tickets (after a warm-up sweep that finds nothing)."""
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from apps.sla.sweep import STUCK_RETRY_DELAY, clock_sweep
    from apps.tickets.models import TicketEvent, WithdrawalTicket

    clock_sweep(now=builder.now - timedelta(days=365))
    due = WithdrawalTicket.objects.filter(next_transition_at__lte=builder.now)
    due_ids = list(due.values_list("pk", flat=True))
    last_event = TicketEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    capture = CaptureQueriesContext(connection) if show_queries else nullcontext()
    with capture:
        started, cpu = time.perf_counter(), time.process_time()
        result = clock_sweep(now=builder.now)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if isinstance(capture, CaptureQueriesContext):
        _print_queries(capture.captured_queries)
    swept = WithdrawalTicket.objects.filter(pk__in=due_ids)
    left = WithdrawalTicket.objects.filter(next_transition_at__lte=builder.now).count()
    stuck = swept.filter(next_transition_at=builder.now + STUCK_RETRY_DELAY).count()
    _require(
        not left and not stuck, f"{left} tickets still due and {stuck} put aside as stuck after the sweep"
    )
    # One event per transition, on the due tickets only.
    events = TicketEvent.objects.filter(pk__gt=last_event)
    _require(
        events.count() == result.moved and not events.exclude(ticket_id__in=due_ids).exists(),
        f"the sweep wrote {events.count()} events for {result.moved} transitions",
    )
    return result, elapsed, cpu


def _print_queries(queries: list[dict[str, str]]) -> None:
    """Group the sweep's statements by shape and show where the database time went."""
    groups: dict[str, list[float]] = defaultdict(list)
    for query in queries:
        groups[_shape(query["sql"])].append(float(query["time"]))
    total = sum(sum(times) for times in groups.values())
    print(f"  {len(queries)} statements, {total:.3f} s in the database; the slowest shapes:")
    for shape, times in sorted(groups.items(), key=lambda item: -sum(item[1]))[:12]:
        print(f"  {sum(times):6.3f} s {len(times):3d}x  {shape[:220]}")


def _shape(sql: str) -> str:
    sql = sql.replace('"tickets_withdrawalticket".', "")
    sql = re.sub(r"IN \((?:[^()]|\([^()]*\))*\)", "IN (…)", sql)
    sql = re.sub(r"VALUES .*? (ON CONFLICT|RETURNING)", r"VALUES … \1", sql, flags=re.DOTALL)
    sql = re.sub(r"'(?:[^']|'')*'(::\w+)?", "'…'", sql)
    return re.sub(r"\b\d+\b", "N", sql)


def _table(runs: Sequence[Run]) -> str:
    header = (
        "run",
        "open tickets",
        "due",
        "transitions",
        "batches",
        "load s",
        "sweep s",
        "python cpu s",
        "tickets/s",
    )
    lines = [
        (
            str(number),
            f"{run.open_tickets:,}",
            f"{run.due:,}",
            f"{run.transitions:,}",
            str(run.batches),
            f"{run.load_seconds:.1f}",
            f"{run.sweep_seconds:.3f}",
            f"{run.python_seconds:.3f}",
            f"{run.due / run.sweep_seconds:,.0f}",
        )
        for number, run in enumerate(runs, start=1)
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    return "\n".join(
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in (header, *lines)
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--open",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        metavar="N",
        help="open tickets per run, in order (default: 100000 1000000)",
    )
    parser.add_argument(
        "--due", type=int, default=DEFAULT_DUE, help="due tickets in every run (default 10000)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help=f"loads and sweeps per size, the sizes taking turns (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--queries",
        action="store_true",
        help="capture the sweep's SQL and show the slowest statements (adds a little time)",
    )
    args = parser.parse_args(argv)
    if any(size < args.due for size in args.open):
        parser.error("every --open must be at least --due")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    _database_ready()
    _django_ready()
    from apps.sla.sweep import SWEEP_BATCH_SIZE

    builder = Builder()
    started = time.perf_counter()
    bulk_templates = builder.open_templates()
    print(
        f"now = {builder.now.isoformat()}, batch size {SWEEP_BATCH_SIZE}; {len(bulk_templates):,} "
        f"open-ticket templates computed with the pure clock in {time.perf_counter() - started:.1f} s"
    )
    runs: list[Run] = []
    for size in [size for _ in range(args.repeat) for size in args.open]:
        phases = load(builder, bulk_templates, args.due, size)
        loaded = sum(phases.values())
        spent = ", ".join(f"{name} {seconds:.1f}" for name, seconds in phases.items())
        print(
            f"loaded {size:,} open tickets ({args.due:,} due) in {loaded:.1f} s ({spent}); sweeping…",
            flush=True,
        )
        result, elapsed, cpu = measure(builder, show_queries=args.queries)
        runs.append(Run(size, result.due, result.moved, result.batches, loaded, elapsed, cpu))
    print()
    print(_table(runs))
    print(
        "transitions = receipts + stage changes + expiries + breaches; python cpu = the sweep's own "
        "process (the rest of the sweep time is spent waiting on PostgreSQL)"
    )
    print()
    sizes = list(dict.fromkeys(args.open))
    times = {size: sorted(run.sweep_seconds for run in runs if run.open_tickets == size) for size in sizes}
    for size in sizes:
        best, median, worst = times[size][0], statistics.median(times[size]), times[size][-1]
        print(
            f"{size:>11,} open: sweep s best {best:.3f}, median {median:.3f}, worst {worst:.3f} "
            f"over {len(times[size])} runs"
        )
    slowest = max(run.sweep_seconds for run in runs)
    fast = slowest < TARGET_SECONDS
    print(
        f"target: {args.due:,} due tickets moved in < {TARGET_SECONDS:g} s in every run "
        f"(slowest {slowest:.3f} s): {'met' if fast else 'MISSED'}"
    )
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        for name, pick in (("median", statistics.median), ("best", min)):
            difference = (pick(times[last]) - pick(times[first])) / pick(times[first]) * 100
            verdict = "met" if abs(difference) < TARGET_DIFFERENCE_PERCENT else "MISSED"
            print(
                f"{name} sweep time, {last:,} vs {first:,} open: {difference:+.1f} % "
                f"(target < {TARGET_DIFFERENCE_PERCENT:g} %: {verdict})"
            )


if __name__ == "__main__":
    main()
