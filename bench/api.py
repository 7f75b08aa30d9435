"""Load the REST API on loopback, served by gunicorn as configured for production.

    python -m bench.api [--seconds 15] [--max-requests 6000] [--connections 12]

Creates (if missing) and migrates the bench database (`DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/chehui_bench; its name must contain "bench"), adds an
integration with a key holding every scope and the floor's table (`bench_floor`), starts
`gunicorn -c config/gunicorn.py` on a free loopback port with the production settings
(`DJANGO_SETTINGS_MODULE`, default config.settings.production; the secrets it requires are filled
with throwaway values) and CHEHUI_BENCH_FLOOR=1, then runs these phases on that one server, each
bounded in time and in count, from `--connections` concurrent clients:

- floor: POST /api/v1/_bench/floor (authenticated and scoped as ticket creation, then one INSERT
  in a transaction): what any API write costs on this machine, in this run; measured first and
  again last, the two pooled, so that a machine slowing down during the run shows;
- ticket creation: POST /api/v1/tickets/ (intake step 1 for a platform user, 1,000 phone numbers);
- ticket read: GET /api/v1/tickets/{reference} (the ticket with its progress) of the tickets made;
- message post: POST /api/v1/tickets/{reference}/messages, JSON {"body": ...}, as the integration,
  spread over 300 tickets submitted through the intake API before the phase;
- thread read: GET /api/v1/tickets/{reference}/messages (the first page) of those 300 tickets.

For each it prints requests per second, p50/p95/p99 latency, the error count (anything but the
expected status), and the rate and p99 as ratios to the floor's, because absolute figures move
with the machine. Targets: creations, message posts and thread reads each at least half the
floor's rate with a p99 at most twice the floor's; at least 300 message posts/s; thread-read p99
under 100 ms; and (the first target, kept) 300 creations/s with p99 under 100 ms. It prints
PASS/FAIL per target and exits 0 either way. The client is a small asyncio HTTP/1.1 client, so
that the load generator takes as little of the two cores as it can; each of its connections stays
open between requests (keep-alive), as the HTTP client of an integration keeps its connections,
and is opened again when the server closes it.
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chehui_bench"
PHONES = 1000
TARGET_CREATIONS_PER_SECOND = 300
TARGET_P99_MS = 100.0
STARTUP_SECONDS = 30
THREADS = 300  # tickets the message phases spread over
WARM_SECONDS = 2.0  # before the floor, the message posts and the thread reads (not measured)
# Targets against the floor measured in the same run, and the two absolute ones of the conversation.
TARGET_RATE_TO_FLOOR = 0.5  # at least half the floor's requests per second
TARGET_P99_TO_FLOOR = 2.0  # p99 at most twice the floor's
TARGET_MESSAGE_POSTS_PER_SECOND = 300
TARGET_THREAD_READ_P99_MS = 100.0
RESPONDENT = "bench respondent"
LETTER: dict[str, object] = {
    "respondent": RESPONDENT,
    "reason": "双方已和解,申请撤回投诉。",
    "body": "本人提交的投诉双方已达成和解,恳请撤回。",
}


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    bodies: list[dict] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<16} {self.count:>7} {self.rate:>9.1f} {self.percentile(0.50):>8.1f} "
            f"{self.percentile(0.95):>8.1f} {self.percentile(0.99):>8.1f} {self.error_count:>7}"
        )


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    env["DATABASE_URL"] = database_url
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")  # plain HTTP on loopback
    env.setdefault("CHEHUI_SMS_PROVIDER", "apps.accounts.sms.LogSmsProvider")
    env.setdefault("CHEHUI_IDENTITY_PROVIDER", "apps.identity.providers.DevelopmentProvider")
    env.setdefault("CHEHUI_PUBLIC_URL", "http://127.0.0.1")  # the portal link in requesters' notices
    env.setdefault("CHEHUI_API_KEY_RATE", "1000000/minute")  # the bench measures the API, not the limit
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Field encryption: keys of this bench database only, the same every run (its rows outlive a run).
    bench_key = hashlib.sha256(f"chehui-bench-field-key:{database_url}".encode()).digest()
    env.setdefault("CHEHUI_FIELD_KEYS", base64.urlsafe_b64encode(bench_key).decode())
    hash_key = hashlib.sha256(f"chehui-bench-hash-key:{database_url}".encode()).hexdigest()
    env.setdefault("CHEHUI_HASH_KEY", hash_key)
    return env


def _database_ready(database_url: str, env: dict[str, str]) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing database {name!r}: its name must contain 'bench'.")
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def _key_issue() -> str:
    """An integration for every platform with a key holding every scope; return the plain key."""
    import django

    django.setup()
    from apps.integrations.models import Integration
    from apps.integrations.scopes import Scope
    from apps.integrations.services import api_key_issue
    from apps.policy.models import Platform

    integration, _created = Integration.objects.get_or_create(name="bench")
    integration.platforms.set(Platform.objects.all())
    _key, plain = api_key_issue(
        integration=integration, scopes=list(Scope.values), expires_at=None, actor=None
    )
    return plain


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _gunicorn_start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


Call = tuple[str, str, dict[str, str], bytes]  # method, path, headers, body


class _Connection:
    """One client's HTTP/1.1 connection, kept open between requests as integrations' clients do;
    opened again when the server closes it (it says `Connection: close`, or it just did)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, call: Call) -> tuple[int, bytes]:
        if self.streams is not None:
            try:
                return await self._exchange(self.streams, call)
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()  # closed by the server while idle: open a new one, as clients do
        self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        return await self._exchange(self.streams, call)

    async def _exchange(
        self, streams: tuple[asyncio.StreamReader, asyncio.StreamWriter], call: Call
    ) -> tuple[int, bytes]:
        reader, writer = streams
        method, path, headers, body = call
        head = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        header = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = header.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {
            name.strip().lower(): value.strip()
            for name, _sep, value in (line.partition(":") for line in lines[1:] if line)
        }
        content = await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, content

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


async def _run_phase(
    phase: Phase,
    *,
    port: int,
    connections: int,
    seconds: float,
    max_requests: int,
    make: Callable[[int], Call],
    expected: int,
    keep_bodies: bool = False,
) -> None:
    sent = 0
    deadline = time.monotonic() + seconds

    async def client() -> None:
        nonlocal sent
        connection = _Connection(port)
        while time.monotonic() < deadline and sent < max_requests:
            number = sent
            sent += 1
            call = make(number)
            started = time.perf_counter()
            try:
                status, content = await connection.request(call)
            except (OSError, asyncio.IncompleteReadError) as error:
                status, content = 0, str(error).encode()
            phase.latencies_ms.append((time.perf_counter() - started) * 1000)
            if status != expected:
                key = f"{status}: {content[:120]!r}"
                phase.errors[key] = phase.errors.get(key, 0) + 1
            elif keep_bodies:
                phase.bodies.append(json.loads(content))
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    phase.elapsed = time.perf_counter() - started


def _floor_table_ready() -> None:
    """Create the floor's table (a bench's, so no model and no migration) and empty it."""
    from django.db import connection

    from apps.api.apis.floor import FLOOR_TABLE_SQL

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE_SQL)
        cursor.execute("TRUNCATE bench_floor")
    connection.close()


async def _threads_make(port: int, auth: dict[str, str], *, connections: int) -> list[str]:
    """Submit THREADS tickets through the intake API, as an integration does; return their references.

    A thread opens at submission (a draft's conversation is closed), so each ticket goes the whole
    way: its Alipay complaint recorded (POST /complaints/), the draft, the complaint number, the
    payment password (the development provider passes "pass"), the letter, the submission. Its
    number is new in each run, so the bench database can be reused; not timed.
    """
    filed_at = datetime.now(UTC) - timedelta(hours=1)
    run = int(time.time())  # 10 digits: with 8 of ticket, the 18 of an Alipay complaint number
    references: list[str] = []
    failures: list[str] = []

    async def one(connection: _Connection, number: int) -> None:
        complaint = f"ZFB{run:010d}{number:08d}"
        recorded: dict[str, object] = {
            "platform": "alipay", "number": complaint, "complaint_type": "content_infringement",
            "complainant_name": "bench", "respondent": RESPONDENT, "filed_at": filed_at.isoformat(),
        }
        letter = {**LETTER, "complaint_time": filed_at.isoformat(), "complete": True}
        steps: list[tuple[str, dict[str, object], int]] = [
            ("/api/v1/complaints/", recorded, 201),
            ("/api/v1/tickets/", {"platform": "alipay", "requester_phone": f"137{number % PHONES:08d}"}, 201),
            ("{ticket}/complaint", {"number": complaint}, 200),
            ("{ticket}/identity", {"method": "payment_password", "answer": "pass"}, 200),
            ("{ticket}/letter", letter, 200),
            ("{ticket}/submit", {}, 200),
        ]
        ticket = ""
        for path, body, expected in steps:
            call = ("POST", path.format(ticket=ticket), auth, json.dumps(body).encode())
            status, content = await connection.request(call)
            if status != expected:
                failures.append(f"POST {call[1]}: {status} {content[:200]!r}")
                return
            if not ticket:
                reference = json.loads(content).get("reference")
                ticket = f"/api/v1/tickets/{reference}" if reference else ""
        references.append(ticket.rsplit("/", 1)[1])

    async def client(first: int) -> None:
        connection = _Connection(port)
        for number in range(first, THREADS, connections):
            await one(connection, number)
        connection.close()

    await asyncio.gather(*(client(first) for first in range(connections)))
    if failures:
        raise SystemExit(f"{len(failures)} of {THREADS} tickets not submitted; first: {failures[0]}")
    return references


def _phases(port: int, key: str, args: argparse.Namespace) -> list[Phase]:
    """Run every phase on the server at `port`, between two floors; return them in that order."""
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept-Language": "en"}

    def run(
        phase: Phase,
        make: Callable[[int], Call],
        expected: int,
        *,
        seconds: float | None = None,
        most: int | None = None,
        keep_bodies: bool = False,
    ) -> Phase:
        asyncio.run(
            _run_phase(
                phase,
                port=port,
                connections=args.connections,
                seconds=args.seconds if seconds is None else seconds,
                max_requests=args.max_requests if most is None else most,
                make=make,
                expected=expected,
                keep_bodies=keep_bodies,
            )
        )
        return phase

    def create(number: int) -> Call:
        phone = f"139{number % PHONES:08d}"
        body = json.dumps({"platform": "wechat", "requester_phone": phone}).encode()
        return "POST", "/api/v1/tickets/", auth, body

    def floor(_number: int) -> Call:
        return "POST", "/api/v1/_bench/floor", auth, b"{}"

    run(Phase("warm-up"), create, 201, seconds=3, most=PHONES)
    run(Phase("warm-up"), floor, 201, seconds=WARM_SECONDS)
    floor_start = run(Phase("floor, start"), floor, 201)
    created = run(Phase("ticket creation"), lambda n: create(n + PHONES), 201, keep_bodies=True)
    references = [body["reference"] for body in created.bodies] or ["CH-NONE-NONE"]

    def read(number: int) -> Call:
        return "GET", f"/api/v1/tickets/{references[number % len(references)]}", auth, b""

    reads = run(Phase("ticket read"), read, 200)

    started = time.perf_counter()
    threads = asyncio.run(_threads_make(port, auth, connections=args.connections))
    print(f"{THREADS} tickets submitted through the intake API in {time.perf_counter() - started:.1f} s")

    def post(number: int) -> Call:
        text = f"Bench message {number}: the platform has not answered the withdrawal request yet."
        body = json.dumps({"body": text}).encode()
        return "POST", f"/api/v1/tickets/{threads[number % THREADS]}/messages", auth, body

    def thread_read(number: int) -> Call:
        return "GET", f"/api/v1/tickets/{threads[number % THREADS]}/messages", auth, b""

    run(Phase("warm-up"), lambda n: post(n + 10 * args.max_requests), 201, seconds=WARM_SECONDS)
    posts = run(Phase("message post"), post, 201)
    run(Phase("warm-up"), thread_read, 200, seconds=WARM_SECONDS)
    thread_reads = run(Phase("thread read"), thread_read, 200)
    floor_end = run(Phase("floor, end"), floor, 201)
    return [floor_start, created, reads, posts, thread_reads, floor_end]


def _ratio(value: float, floor: float) -> float:
    return value / floor if floor else float("inf")


def _verdict(label: str, figure: str, met: bool) -> None:
    print(f"  {label:<40} {figure:<34} {'PASS' if met else 'FAIL'}")


def _floor_pooled(start: Phase, end: Phase) -> Phase:
    """The floor the phases are read against: its runs before and after them, as one."""
    pooled = Phase("floor", start.latencies_ms + end.latencies_ms, elapsed=start.elapsed + end.elapsed)
    for error, count in (*start.errors.items(), *end.errors.items()):
        pooled.errors[error] = pooled.errors.get(error, 0) + count
    return pooled


def _report(measured: list[Phase], *, env: dict[str, str], args: argparse.Namespace, log: Path) -> None:
    floor_start, created, reads, posts, thread_reads, floor_end = measured
    floor = _floor_pooled(floor_start, floor_end)
    phases = [floor, created, reads, posts, thread_reads]
    floor_p99 = floor.percentile(0.99)
    workers = env.get("GUNICORN_WORKERS", f"{(os.cpu_count() or 1) * 2 + 1} (2 x cores + 1)")
    worker_class = env.get("GUNICORN_WORKER_CLASS", "gthread")
    print(
        f"gunicorn -c config/gunicorn.py, {workers} {worker_class} workers, "
        f"{args.connections} keep-alive connections, "
        f"{os.cpu_count()} cores, settings {env['DJANGO_SETTINGS_MODULE']}, log {log}"
    )
    print(
        f"{'phase':<16} {'requests':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'rate/floor':>10} {'p99/floor':>9}"
    )
    for phase in phases:
        rate_ratio, p99_ratio = _ratio(phase.rate, floor.rate), _ratio(phase.percentile(0.99), floor_p99)
        print(f"{phase.line()} {rate_ratio:>10.2f} {p99_ratio:>9.2f}")
        for error, count in sorted(phase.errors.items(), key=lambda item: -item[1])[:5]:
            print(f"    {count} x {error}")
    met = (
        created.rate >= TARGET_CREATIONS_PER_SECOND
        and created.percentile(0.99) < TARGET_P99_MS
        and not created.error_count
    )
    print(
        f"target (>= {TARGET_CREATIONS_PER_SECOND} creations/s, p99 < {TARGET_P99_MS:.0f} ms, no error): "
        f"{'met' if met else 'NOT met'}; "
        f"median creation {statistics.median(created.latencies_ms or [0]):.1f} ms"
    )

    drift = _ratio(floor_end.rate, floor_start.rate)
    print(
        f"floor: {floor_start.rate:.1f} req/s, p99 {floor_start.percentile(0.99):.1f} ms before the other "
        f"phases; {floor_end.rate:.1f} req/s, p99 {floor_end.percentile(0.99):.1f} ms after them "
        f"(end/start rate {drift:.2f}: the further from 1, the more the machine moved during the run)"
    )
    print(f"targets against this run's floor ({floor.rate:.1f} req/s, p99 {floor_p99:.1f} ms):")
    for phase in (created, posts, thread_reads):
        failed = f", {phase.error_count} errors" if phase.error_count else ""
        rate_ratio, p99_ratio = _ratio(phase.rate, floor.rate), _ratio(phase.percentile(0.99), floor_p99)
        _verdict(
            f"{phase.name}: rate >= {TARGET_RATE_TO_FLOOR:g} x floor",
            f"{rate_ratio:.2f} x ({phase.rate:.1f}/s{failed})",
            rate_ratio >= TARGET_RATE_TO_FLOOR and not phase.error_count,
        )
        _verdict(
            f"{phase.name}: p99 <= {TARGET_P99_TO_FLOOR:g} x floor",
            f"{p99_ratio:.2f} x ({phase.percentile(0.99):.1f} ms{failed})",
            p99_ratio <= TARGET_P99_TO_FLOOR and not phase.error_count,
        )
    _verdict(
        f"message post: >= {TARGET_MESSAGE_POSTS_PER_SECOND} posts/s",
        f"{posts.rate:.1f}/s",
        posts.rate >= TARGET_MESSAGE_POSTS_PER_SECOND and not posts.error_count,
    )
    _verdict(
        f"thread read: p99 < {TARGET_THREAD_READ_P99_MS:.0f} ms",
        f"{thread_reads.percentile(0.99):.1f} ms",
        thread_reads.percentile(0.99) < TARGET_THREAD_READ_P99_MS and not thread_reads.error_count,
    )
    failing = [f"{phase.name} {phase.error_count}" for phase in phases if phase.error_count]
    _verdict("no error in any phase", ", ".join(failing) or "none", not failing)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="longest time per phase")
    parser.add_argument("--max-requests", type=int, default=6000, help="most requests per phase")
    parser.add_argument("--connections", type=int, default=12, help="concurrent clients")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {**_environment(database_url), "CHEHUI_BENCH_FLOOR": "1"}  # serve POST /api/v1/_bench/floor
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _database_ready(database_url, env)
    key = _key_issue()
    _floor_table_ready()
    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"chehui-bench-api-{port}.log"
    server = _gunicorn_start(env, port, log)
    try:
        phases = _phases(port, key, args)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    _report(phases, env=env, args=args, log=log)


if __name__ == "__main__":
    main()
