"""A real worker takes a task from the broker and answers: through Redis, and through the
embedded filesystem broker that `make run` uses when no REDIS_URL is given."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "config.celery_app"]
SEND = (
    "from config.celery_app import app; "
    "print(app.send_task('core.ping').get(timeout=60))"
)


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return {**keep, "DJANGO_SETTINGS_MODULE": "config.settings.local", **extra}


def _round_trip(env: dict[str, str]) -> str:
    worker = subprocess.Popen(
        [*CELERY, "worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", SEND], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=90, check=False,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_a_worker_answers_through_redis(tmp_path):
    env = _env(CHEHUI_VAR_DIR=str(tmp_path), REDIS_URL=os.environ.get("CELERY_TEST_REDIS_URL",
                                                                      "redis://127.0.0.1:6379/11"))
    assert _round_trip(env) == "pong"


@pytest.mark.slow
def test_a_worker_answers_through_the_embedded_filesystem_broker(tmp_path):
    env = _env(CHEHUI_VAR_DIR=str(tmp_path))
    assert _round_trip(env) == "pong"
    assert (tmp_path / "broker" / "queue").is_dir()
