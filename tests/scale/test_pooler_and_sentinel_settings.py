"""Settings for several machines: behind PgBouncer in transaction mode, Celery through Redis Sentinel."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis

from config.settings.base import database
from tests.scale.stack import PgBouncer, free_port

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://chehui:secret@db.internal:6432/chehui"
PRINT_CELERY = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'broker': s.CELERY_BROKER_URL, 'backend': s.CELERY_RESULT_BACKEND,"
    "'broker_options': s.CELERY_BROKER_TRANSPORT_OPTIONS,"
    "'backend_options': getattr(s, 'CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS', None),"
    "'cache': s.CACHES['default']['LOCATION']}))"
)


def test_behind_pgbouncer_nothing_outlives_a_transaction(monkeypatch):
    monkeypatch.setenv("CHEHUI_PGBOUNCER", "true")
    config = database(URL)
    assert config["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert config["OPTIONS"]["prepare_threshold"] is None
    assert config["CONN_MAX_AGE"] == 60  # connections to PgBouncer itself stay open
    assert config["PORT"] == 6432


def test_straight_to_postgresql_statements_are_prepared_and_cursors_server_side(monkeypatch):
    monkeypatch.delenv("CHEHUI_PGBOUNCER", raising=False)
    config = database(URL)
    assert not config.get("DISABLE_SERVER_SIDE_CURSORS")
    assert config["OPTIONS"]["prepare_threshold"] == 5


def _settings_of(**extra: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_CELERY], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
        env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings.local",
             "CHEHUI_VAR_DIR": tempfile.gettempdir(), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/chehui",
             **extra},
    )


@pytest.mark.slow
def test_celery_asks_the_sentinels_for_the_master_and_the_cache_keeps_its_address():
    sentinels = "sentinel://10.0.0.1:26379/0;sentinel://10.0.0.2:26379/0;sentinel://10.0.0.3:26379/0"
    result = _settings_of(
        REDIS_URL="redis://redis-master.internal:6379/0", CELERY_BROKER_URL=sentinels,
        CELERY_RESULT_BACKEND=sentinels, REDIS_SENTINEL_MASTER="chehui", REDIS_SENTINEL_PASSWORD="s3",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["broker"] == seen["backend"] == sentinels
    assert seen["broker_options"]["master_name"] == "chehui"
    assert seen["broker_options"]["sentinel_kwargs"] == {"password": "s3"}
    assert seen["broker_options"]["visibility_timeout"] == 3600  # the broker's own options stay
    assert seen["backend_options"] == {"master_name": "chehui", "sentinel_kwargs": {"password": "s3"}}
    assert seen["cache"] == "redis://redis-master.internal:6379/0"


@pytest.mark.slow
@pytest.mark.parametrize(
    "half",
    [{"REDIS_SENTINEL_MASTER": "chehui"}, {"CELERY_BROKER_URL": "sentinel://10.0.0.1:26379/0"}],
    ids=["master without sentinels", "sentinels without master"],
)
def test_half_a_sentinel_configuration_refuses_to_start(half):
    result = _settings_of(REDIS_URL="redis://127.0.0.1:6379/3", **half)
    assert result.returncode != 0
    assert "REDIS_SENTINEL_MASTER" in result.stderr


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.mark.slow
def test_a_task_sent_through_a_real_sentinel_lands_on_its_master(tmp_path):
    assert shutil.which("redis-server"), "redis-server is missing"
    master_port, sentinel_port = free_port(), free_port()
    (tmp_path / "sentinel.conf").write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\nsentinel monitor chehui 127.0.0.1 {master_port} 1\n"
    )
    servers = [
        subprocess.Popen(["redis-server", "--port", str(master_port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no"], stdout=subprocess.DEVNULL),
        subprocess.Popen(["redis-server", str(tmp_path / "sentinel.conf"), "--sentinel"],
                         stdout=subprocess.DEVNULL),
    ]
    try:
        _wait_for_port(master_port)
        _wait_for_port(sentinel_port)
        sentinel = f"sentinel://127.0.0.1:{sentinel_port}/0"
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
        sent = subprocess.run(
            [sys.executable, "-c", "from config.celery_app import app; app.send_task('sla.sweep')"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings.local", "CHEHUI_VAR_DIR": str(tmp_path),
                 "REDIS_URL": f"redis://127.0.0.1:{master_port}/1", "CELERY_BROKER_URL": sentinel,
                 "CELERY_RESULT_BACKEND": sentinel, "REDIS_SENTINEL_MASTER": "chehui"},
        )
        assert sent.returncode == 0, sent.stderr
        queued = redis.Redis(port=master_port, db=0).lrange("celery", 0, -1)
        assert [json.loads(message)["headers"]["task"] for message in queued] == ["sla.sweep"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not PgBouncer.available(), reason="no PgBouncer here (apt-get install pgbouncer)")
def test_behind_a_real_pgbouncer_in_transaction_mode_the_switch_is_what_makes_it_work(db):
    """Two connections through a pool of one: each transaction may land on the other's server
    connection. With the switch, repeated queries and iterator() work; without it, psycopg's
    prepared statements, made on one server connection, are missing on the next."""
    bouncer = PgBouncer(pool_size=1)
    script = (
        "import django; django.setup()\n"
        "from django.db import connections\n"
        "from apps.policy.models import Platform\n"
        "other = connections.create_connection('default')\n"
        "for _ in range(12):\n"
        "    list(Platform.objects.filter(code='wechat'))\n"
        "    other.cursor().execute('SELECT count(*) FROM policy_platform WHERE code = %s', ['x'])\n"
        "print(sum(1 for _ in Platform.objects.all().iterator(chunk_size=2)))\n"
    )
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "config.settings.local", "CHEHUI_VAR_DIR": tempfile.gettempdir(),
           "DATABASE_URL": bouncer.url(), "DATABASE_CONN_HEALTH_CHECKS": "false"}
    try:
        runs = {
            switch: subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                   timeout=60, check=False, env={**env, "CHEHUI_PGBOUNCER": switch})
            for switch in ("true", "false")
        }
    finally:
        bouncer.stop()
    assert runs["true"].returncode == 0, runs["true"].stderr[-2000:]
    assert runs["true"].stdout.strip().splitlines()[-1].isdigit()
    assert runs["false"].returncode != 0
    assert "prepared statement" in runs["false"].stderr
