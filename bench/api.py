"""Load the REST API on loopback, served by gunicorn as configured for production.

    python -m bench.api [--seconds 15] [--max-requests 6000] [--connections 12]

Creates (if missing) and migrates the bench database (`DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/chehui_bench; its name must contain "bench"), adds an
integration with a key holding every scope, starts `gunicorn -c config/gunicorn.py` on a free
loopback port with the production settings (`DJANGO_SETTINGS_MODULE`, default
config.settings.production; the secrets it requires are filled with throwaway values), then runs
two phases, each bounded in time and in count, from `--connections` concurrent clients:

- ticket creation: POST /api/v1/tickets/ (intake step 1 for a platform user, 1,000 phone numbers);
- ticket read: GET /api/v1/tickets/{reference} (the ticket with its progress) of the tickets made.

For each it prints requests per second, p50/p95/p99 latency and the error count (anything but the
expected status). Target on a 2-core machine: 300 creations/s, p99 under 100 ms, no error. The
client is a small asyncio HTTP/1.1 client, so that the load generator takes as little of the two
cores as it can; each of its connections stays open between requests (keep-alive), as the
HTTP client of an integration keeps its connections, and is opened again when the server
closes it.
"""

import argparse
import asyncio
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
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chehui_bench"
PHONES = 1000
TARGET_CREATIONS_PER_SECOND = 300
TARGET_P99_MS = 100.0
STARTUP_SECONDS = 30


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

    def line(self) -> str:
        rate = self.count / self.elapsed if self.elapsed else 0.0
        return (
            f"{self.name:<16} {self.count:>7} {rate:>9.1f} {self.percentile(0.50):>8.1f} "
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
    env.setdefault("CHEHUI_API_KEY_RATE", "1000000/minute")  # the bench measures the API, not the limit
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="longest time per phase")
    parser.add_argument("--max-requests", type=int, default=6000, help="most requests per phase")
    parser.add_argument("--connections", type=int, default=12, help="concurrent clients")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = _environment(database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _database_ready(database_url, env)
    key = _key_issue()
    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"chehui-bench-api-{port}.log"
    server = _gunicorn_start(env, port, log)
    try:
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept-Language": "en"}

        def create(number: int) -> Call:
            phone = f"139{number % PHONES:08d}"
            body = json.dumps({"platform": "wechat", "requester_phone": phone}).encode()
            return "POST", "/api/v1/tickets/", auth, body

        created = Phase("ticket creation")
        warm = Phase("warm-up")
        asyncio.run(
            _run_phase(
                warm,
                port=port,
                connections=args.connections,
                seconds=3,
                max_requests=PHONES,
                make=create,
                expected=201,
            )
        )
        asyncio.run(
            _run_phase(
                created,
                port=port,
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.max_requests,
                make=lambda n: create(n + PHONES),
                expected=201,
                keep_bodies=True,
            )
        )
        references = [body["reference"] for body in created.bodies] or ["CH-NONE-NONE"]

        def read(number: int) -> Call:
            return "GET", f"/api/v1/tickets/{references[number % len(references)]}", auth, b""

        reads = Phase("ticket read")
        asyncio.run(
            _run_phase(
                reads,
                port=port,
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.max_requests,
                make=read,
                expected=200,
            )
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    workers = env.get("GUNICORN_WORKERS", f"{(os.cpu_count() or 1) * 2 + 1} (2 x cores + 1)")
    worker_class = env.get("GUNICORN_WORKER_CLASS", "gthread")
    print(
        f"gunicorn -c config/gunicorn.py, {workers} {worker_class} workers, "
        f"{args.connections} keep-alive connections, "
        f"{os.cpu_count()} cores, settings {env['DJANGO_SETTINGS_MODULE']}, log {log}"
    )
    print(
        f"{'phase':<16} {'requests':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for phase in (created, reads):
        print(phase.line())
        for error, count in sorted(phase.errors.items(), key=lambda item: -item[1])[:5]:
            print(f"    {count} x {error}")
    rate = created.count / created.elapsed if created.elapsed else 0.0
    met = (
        rate >= TARGET_CREATIONS_PER_SECOND
        and created.percentile(0.99) < TARGET_P99_MS
        and not created.error_count
    )
    print(
        f"target (>= {TARGET_CREATIONS_PER_SECOND} creations/s, p99 < {TARGET_P99_MS:.0f} ms, no error): "
        f"{'met' if met else 'NOT met'}; "
        f"median creation {statistics.median(created.latencies_ms or [0]):.1f} ms"
    )


if __name__ == "__main__":
    main()
