"""Processes of a several-machine deployment, started on loopback against the test database.

Each is what one machine of docs/operations.md runs: gunicorn with config/gunicorn.py, a Celery
worker, the one beat. They share nothing but PostgreSQL and Redis, as separate machines would.
"""

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db import connection

from apps.integrations import signing

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subprocess_database_url() -> str:
    """The test database as a URL the subprocesses can read (it holds committed rows only)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def machine_env(tmp_path: Path, *, database_url: str, **extra: str) -> dict[str, str]:
    """What every machine is given: the production settings, the same database, Redis and keys."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # API keys and webhook secrets derive from it
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CHEHUI_SMS_PROVIDER": "apps.accounts.sms.LogSmsProvider",
        "CHEHUI_IDENTITY_PROVIDER": "apps.identity.providers.DevelopmentProvider",
        "CHEHUI_PUBLIC_URL": "http://127.0.0.1",
        "CHEHUI_FIELD_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "CHEHUI_HASH_KEY": settings.FIELD_HASH_KEY,
        "CHEHUI_VAR_DIR": str(tmp_path),
        "CHEHUI_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "CHEHUI_API_KEY_RATE": "100000/minute",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.CELERY_BROKER_URL,  # the broker this test process sends to
        **extra,
    }


class PgBouncer:
    """A throwaway PgBouncer in transaction mode in front of the test database's server."""

    def __init__(self, *, pool_size: int = 6) -> None:
        db = connection.settings_dict
        self.port = free_port()
        # Run as root, it switches to the postgres user (it refuses root), who must reach the folder.
        folder = self.folder = Path(tempfile.mkdtemp(prefix="chehui-pgbouncer-"))
        folder.chmod(0o777)
        self.config = folder / "pgbouncer.ini"
        self.config.write_text(
            "[databases]\n"
            f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            "auth_type = any\npool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmax_client_conn = 200\n"
            f"logfile = {folder / 'pgbouncer.log'}\n"
        )
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen([PGBOUNCER, *user, str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"PgBouncer did not listen on {self.port}")

    def url(self) -> str:
        db = connection.settings_dict
        return f"postgres://{db['USER']}@127.0.0.1:{self.port}/{db['NAME']}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def available() -> bool:
        return Path(PGBOUNCER).exists()


class Machines:
    """Started processes, stopped together; their output kept in files for a failure message."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.tmp_path / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((name, process))
        return process

    def web(self, name: str, env: dict[str, str]) -> int:
        port = free_port()
        self.start(
            name,
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
            {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_ACCESSLOG": ""},
        )
        return port

    def worker(self, name: str, env: dict[str, str]) -> None:
        self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=threads",
             "--concurrency=3", f"--hostname={name}@%h", "--loglevel=WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
            env,
        )

    def beat(self, env: dict[str, str]) -> None:
        self.start(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config.celery_app", "beat", "--loglevel=WARNING",
             f"--schedule={self.tmp_path / 'beat-schedule'}"],
            env,
        )

    def wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"gunicorn on {port} did not answer:\n{self.logs()}")

    def stop(self) -> None:
        for _name, process in self.processes:
            process.terminate()
        for _name, process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self, tail: int = 1500) -> str:
        parts = []
        for name, _process in self.processes:
            text = (self.tmp_path / f"{name}.log").read_text(errors="replace")
            parts.append(f"--- {name}\n{text[-tail:]}")
        return "\n".join(parts)


class Receiver:
    """A webhook receiver on loopback: records every delivery id with each body it came with."""

    def __init__(self) -> None:
        self.bodies: dict[int, list[dict]] = defaultdict(list)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.bodies[int(self.headers[signing.DELIVERY_HEADER])].append(body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def received(self) -> dict[int, list[dict]]:
        with self.lock:
            return {key: list(value) for key, value in self.bodies.items()}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
