"""Time the supervisor dashboard and the agent queue with 1,000,000 tickets in the database.

    DJANGO_SETTINGS_MODULE=config.settings.local python -m bench.queue [--total N] [--open N] [--requests N]

The open tickets are bench.sweep's (its loader and the project's own pure clock: complaints filed up
to 7 days before 09:00:30 Shanghai time on Wednesday 2025-06-11, on the four platforms and the three
withdrawable types); 70 % of the received ones are then given to 60 agents in 6 teams, a tenth of
those waiting on the requester. The rest of the tickets are history, written with one
INSERT ... SELECT: complaints filed over the 120 days before, each contacted and decided (approved,
refused, routed), expired or cancelled, some late, by the same agents. Then every page is requested
through Django's test Client by a signed-in supervisor, the clock frozen at the scene's moment, and
the p50 / p95 server time is printed per page (target: p95 under 150 ms). The database is the one of
bench.sweep (its name must contain "bench": the tickets and complaints tables are truncated).
"""

import argparse
import statistics
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from bench import sweep

DEFAULT_TOTAL = 1_000_000
DEFAULT_OPEN = 200_000
DEFAULT_REQUESTS = 60
WARM_UP = 3
TARGET_P95_MS = 150.0
TEAMS = 6
AGENTS_PER_TEAM = 10
HISTORY_SPAN = timedelta(days=120)
# Closed tickets' complaints were filed at least this long before the scene's moment.
NEWEST_CLOSED = timedelta(days=7)
ASSIGNED_SHARE = 0.7
WAITING_SHARE = 0.1
SUPERVISOR = "bench-supervisor"
AGENT = "bench-agent-{:02d}"
# (label, path): the pages measured, each by the signed-in supervisor.
PAGES = (
    ("dashboard", "/dashboard/"),
    ("queue (all tickets)", "/workspace/?tab=all"),
    ("queue (breached)", "/workspace/?tab=all&urgency=breached"),
    # Search (apps/workspace/search.py) over every ticket: a phrase in one letter in a thousand, and a
    # fragment of a complaint number; each letter names its complaint, so a number is in its text too.
    ("search (letter phrase)", "/workspace/?q=" + "银杏路 417 号"),
    ("search (number fragment)", "/workspace/?q=" + "0000123"),
)
# Every ticket's letter, for the search: a sentence from a few hundred, its complaint's number and
# an address one letter in a thousand shares (the phrase searched for above).
LETTERS = """
INSERT INTO tickets_letter (ticket_id, respondent, reason, body, coach_findings, updated_at)
SELECT t.id, '某某数码专营店 ' || (t.id %% 997), r.reason,
       '本人于投诉单号 ' || c.number || ' 中投诉了对方，现因' || r.reason
       || '，申请撤回该投诉。联系地址：银杏路 ' || (t.id %% 1000) || ' 号 ' || (t.id %% 389) || ' 室。',
       '[]'::jsonb, now()
FROM tickets_withdrawalticket t JOIN complaints_complaint c ON c.id = t.complaint_id
CROSS JOIN LATERAL (
    SELECT (ARRAY['已与商家协商一致', '误操作提交了投诉', '商家已退款',
                  '问题已经解决', '对方已道歉'])[1 + t.id %% 5] AS reason
) AS r
ON CONFLICT (ticket_id) DO NOTHING
"""


class Timing(NamedTuple):
    page: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    max_ms: float


# ------------------------------------------------------------------------------------ people


def people() -> tuple[Any, list[Any]]:
    """The supervisor and the agents (kept between runs: the tickets tables only are truncated)."""
    from django.contrib.auth.models import Group

    from apps.accounts.models import AgentProfile, Team, User
    from apps.accounts.roles import AGENT as AGENT_ROLE
    from apps.accounts.roles import SUPERVISOR as SUPERVISOR_ROLE
    from apps.policy.models import ComplaintType, Platform

    supervisor, _ = User.objects.get_or_create(
        username=SUPERVISOR, defaults={"display_name": "Bench supervisor"}
    )
    supervisor.groups.add(Group.objects.get(name=SUPERVISOR_ROLE))
    agents = []
    platforms, kinds = list(Platform.objects.all()), list(ComplaintType.objects.all())
    for number in range(TEAMS * AGENTS_PER_TEAM):
        team, _ = Team.objects.get_or_create(name=f"Bench team {number // AGENTS_PER_TEAM + 1}")
        agent, created = User.objects.get_or_create(
            username=AGENT.format(number + 1), defaults={"display_name": f"坐席 {number + 1:02d}"}
        )
        if created:
            agent.groups.add(Group.objects.get(name=AGENT_ROLE))
            profile = AgentProfile.objects.create(user=agent, team=team, max_open_tickets=2500)
            profile.platforms.set(platforms)
            profile.complaint_types.set(kinds)
        agents.append(agent)
    return supervisor, agents


# ------------------------------------------------------------------------------------ history

ASSIGN_OPEN = """
UPDATE tickets_withdrawalticket AS t
SET status = CASE WHEN (t.id * 7) %% 100 < %(waiting)s THEN 'waiting_on_requester' ELSE 'assigned' END,
    waiting_since = CASE WHEN (t.id * 7) %% 100 < %(waiting)s THEN %(now)s - interval '2 hours' END,
    assignee_id = (%(agents)s::bigint[])[1 + t.id %% %(agent_count)s],
    team_id = (%(teams)s::bigint[])[1 + t.id %% %(agent_count)s],
    assigned_at = t.received_at + interval '15 minutes'
WHERE t.status = 'received' AND (t.id * 13) %% 100 < %(assigned)s
  AND t.received_at + interval '15 minutes' <= %(now)s
"""
CLOSED_PLAN = """
CREATE TEMP TABLE bench_closed ON COMMIT DROP AS
SELECT s.*,
       CASE WHEN s.roll < 0.20 THEN 'approved' WHEN s.roll < 0.62 THEN 'refused'
            WHEN s.roll < 0.75 THEN 'routed'
            WHEN s.roll < 0.95 THEN 'expired' ELSE 'cancelled' END AS status,
       s.filed_at + interval '10 minutes' AS submitted_at,
       s.filed_at + interval '4 hours' AS first_contact_due_at,
       s.filed_at + interval '10 minutes' + make_interval(hours => s.hours) AS decision_due_at,
       least(s.filed_at + interval '10 minutes' + s.contact_after, %(now)s) AS first_contact_at,
       least(s.filed_at + interval '10 minutes' + make_interval(hours => s.hours) * s.handled, %(now)s)
           AS decided_at
FROM (
    SELECT g AS id,
           (%(platforms)s::bigint[])[1 + g %% 4] AS platform_id,
           (%(hours)s::int[])[1 + g %% 4] AS hours,
           (%(types)s::bigint[])[1 + (g / 4) %% %(type_count)s] AS complaint_type_id,
           %(newest)s - random() * %(span)s AS filed_at,
           random() * interval '6 hours' AS contact_after,
           0.15 + random() * 1.15 AS handled,
           random() AS roll,
           (%(agents)s::bigint[])[1 + g %% %(agent_count)s] AS assignee_id,
           (%(teams)s::bigint[])[1 + g %% %(agent_count)s] AS team_id
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
) AS s
"""
CLOSED_COMPLAINTS = """
INSERT INTO complaints_complaint
    (id, platform_id, number, complaint_type_id, complainant_name, respondent, summary, filed_at, status,
     created_at)
SELECT id, platform_id, 'BENCH' || lpad(id::text, 10, '0'), complaint_type_id, 'bench', 'bench respondent',
       '',
       filed_at, CASE WHEN status = 'approved' THEN 'withdrawn' ELSE 'closed' END, filed_at
FROM bench_closed ORDER BY id
"""
CLOSED_TICKETS = """
INSERT INTO tickets_withdrawalticket
    (id, reference, source, status, entry_completed_at, complaint_number_completed_at, identity_verified_at,
     letter_completed_at, submitted_at, received_at, stage_entered_at, assignee_id, team_id, assigned_at,
     first_contact_at, decided_at, decided_by_id, decision_reason, paused_seconds, first_contact_due_at,
     decision_due_at, complaint_resolution_at, stage_ends_at, deadlines_provisional,
     first_contact_breached_at, decision_breached_at, next_transition_at, version, created_at, updated_at,
     complaint_id, complaint_type_id, platform_id, stage_id, complaint_filed_at)
SELECT id, {reference}, 'portal', status, filed_at, filed_at, submitted_at,
       submitted_at, submitted_at, submitted_at, filed_at + interval '72 hours', assignee_id, team_id,
       submitted_at + interval '5 minutes',
       CASE WHEN status <> 'cancelled' THEN first_contact_at END,
       CASE WHEN status IN ('approved', 'refused', 'routed') THEN decided_at END,
       CASE WHEN status IN ('approved', 'refused', 'routed') THEN assignee_id END,
       '', 0, first_contact_due_at, decision_due_at, filed_at + interval '10 days', NULL, FALSE,
       CASE WHEN status <> 'cancelled' AND first_contact_at > first_contact_due_at
            THEN first_contact_due_at END,
       CASE WHEN status = 'expired'
              OR (status IN ('approved', 'refused', 'routed') AND decided_at > decision_due_at)
            THEN decision_due_at END,
       NULL, 3, filed_at, decided_at, id, complaint_type_id, platform_id, %(handled_stage)s, filed_at
FROM bench_closed ORDER BY id
""".replace("{reference}", sweep.BENCH_REFERENCE)


def load_history(builder: "sweep.Builder", *, first: int, last: int, agents: list[Any]) -> None:
    """Add tickets `first`..`last` as closed history, and give open received tickets to agents."""
    from django.db import connection, transaction

    from apps.accounts.models import AgentProfile
    from apps.policy.models import Platform, Stage

    profiles = dict(AgentProfile.objects.filter(user__in=agents).values_list("user_id", "team_id"))
    agent_ids = [agent.pk for agent in agents]
    team_ids = [profiles[pk] for pk in agent_ids]
    platforms = [Platform.objects.get(code=code) for code in sweep.PLATFORMS]
    params = {
        "now": builder.now,
        "agents": agent_ids,
        "teams": team_ids,
        "agent_count": len(agent_ids),
        "assigned": round(ASSIGNED_SHARE * 100),
        "waiting": round(ASSIGNED_SHARE * WAITING_SHARE * 100),
        "platforms": [platform.pk for platform in platforms],
        "hours": [platform.longest_handling_hours for platform in platforms],
        "types": [builder.type_ids[code] for code in sweep.COMPLAINT_TYPES],
        "type_count": len(sweep.COMPLAINT_TYPES),
        "newest": builder.now - NEWEST_CLOSED,
        "span": HISTORY_SPAN - NEWEST_CLOSED,
        "first": first,
        "last": last,
        "handled_stage": Stage.objects.order_by("-starts_at_hour").values_list("pk", flat=True)[0],
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(ASSIGN_OPEN, params)
        if last >= first:
            cursor.execute("SELECT setseed(0.17)")
            cursor.execute(CLOSED_PLAN, params)
            cursor.execute(CLOSED_COMPLAINTS)
            cursor.execute(CLOSED_TICKETS, params)
            for table in ("complaints_complaint", "tickets_withdrawalticket"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [last])
    with connection.cursor() as cursor:
        for table in ("complaints_complaint", "tickets_withdrawalticket"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


# ------------------------------------------------------------------------------------ measuring


def measure_page(client: Any, label: str, path: str, requests: int) -> Timing:
    from django.db import connection

    for _ in range(WARM_UP):
        client.get(path)
    # Counted with a wrapper: the query log is reset by every request's start.
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    return Timing(label, response.status_code, len(statements), statistics.median(times), p95, times[-1])


def load_letters() -> None:
    """A letter for every ticket, for the search to look through (one INSERT ... SELECT)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("TRUNCATE tickets_letter")
        cursor.execute(LETTERS, [])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_letter")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queue", description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=DEFAULT_TOTAL, help="tickets in all (default 1000000)")
    parser.add_argument(
        "--open", type=int, default=DEFAULT_OPEN, help="open tickets among them (default 200000)"
    )
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="timed requests per page")
    parser.add_argument("--no-load", action="store_true", help="measure the tickets already loaded")
    args = parser.parse_args(argv)
    if not 0 < args.open <= args.total:
        parser.error("--open must be between 1 and --total")

    sweep._database_ready()
    sweep._django_ready()
    from django.conf import settings
    from django.test import Client

    from apps.core import clock
    from apps.tickets.models import WithdrawalTicket

    builder = sweep.Builder()
    supervisor, agents = people()
    if not args.no_load:
        started = time.perf_counter()
        templates = builder.open_templates()
        sweep.load(builder, templates, 0, args.open)
        load_history(builder, first=args.open + 1, last=args.total, agents=agents)
        load_letters()
        print(f"loaded {args.total:,} tickets ({args.open:,} open) in {time.perf_counter() - started:.1f} s")
    tickets = WithdrawalTicket.objects.count()
    print(f"{tickets:,} tickets in the database; now = {builder.now.isoformat()}")

    clock.now = lambda: builder.now  # every page reads the frozen scene's moment
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from apps.dashboard.tasks import dashboard_snapshot_refresh

    started = time.perf_counter()
    dashboard_snapshot_refresh()
    print(
        f"dashboard snapshot refreshed in {(time.perf_counter() - started) * 1000:.0f} ms "
        "(beat does it every minute)"
    )
    client = Client()
    client.force_login(supervisor)
    timings = [measure_page(client, label, path, args.requests) for label, path in PAGES]
    print()
    header = ("page", "status", "queries", "p50 ms", "p95 ms", "max ms")
    lines = [
        (t.page, str(t.status), str(t.queries), f"{t.p50_ms:.1f}", f"{t.p95_ms:.1f}", f"{t.max_ms:.1f}")
        for t in timings
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    for line in (header, *lines):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    print()
    for timing in timings:
        met = timing.status == 200 and timing.p95_ms < TARGET_P95_MS
        print(
            f"target: {timing.page} p95 < {TARGET_P95_MS:g} ms at {tickets:,} tickets: "
            f"{'met' if met else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
