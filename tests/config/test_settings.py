"""Settings as each environment reads them: the embedded default, production, compose."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'db': s.DATABASES['default']['ENGINE'], 'db_name': str(s.DATABASES['default']['NAME']),"
    "'broker': s.CELERY_BROKER_URL, 'backend': s.CELERY_RESULT_BACKEND,"
    "'cache': s.CACHES['default']['BACKEND'], 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ}))"
)


def _clean_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    return {**keep, **extra}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


@pytest.mark.slow
def test_without_database_or_redis_url_it_runs_embedded(tmp_path):
    result = _manage(
        "shell", "-c", PRINT_SETTINGS,
        env=_clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", CHEHUI_VAR_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["db"] == "django.db.backends.sqlite3"
    assert seen["db_name"] == str(tmp_path / "chehui.sqlite3")
    assert seen["broker"] == "filesystem://"
    assert seen["backend"] == f"file://{tmp_path / 'celery-results'}"
    assert seen["cache"].endswith("FileBasedCache")
    assert (tmp_path / "broker" / "queue").is_dir()
    assert (seen["tz"], seen["use_tz"]) == ("Asia/Shanghai", True)


@pytest.mark.slow
def test_with_urls_it_uses_postgresql_and_redis(tmp_path):
    result = _manage(
        "shell", "-c", PRINT_SETTINGS,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.local", CHEHUI_VAR_DIR=str(tmp_path),
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/chehui",
            REDIS_URL="redis://127.0.0.1:6379/3",
        ),
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["db"] == "django.db.backends.postgresql"
    assert seen["broker"] == seen["backend"] == "redis://127.0.0.1:6379/3"
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"


def _production_env(**extra: str) -> dict[str, str]:
    return _clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="chehui.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/chehui",
        REDIS_URL="redis://127.0.0.1:6379/3",
        CHEHUI_SMS_PROVIDER="apps.accounts.sms.LogSmsProvider",
        CHEHUI_IDENTITY_PROVIDER="apps.identity.providers.DevelopmentProvider",
        CHEHUI_PUBLIC_URL="https://chehui.example.com",
        CHEHUI_FIELD_KEYS=Fernet.generate_key().decode(),
        CHEHUI_HASH_KEY=secrets.token_urlsafe(32),
        **extra,
    )


@pytest.mark.slow
def test_production_passes_the_deploy_check_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
        "CHEHUI_SMS_PROVIDER", "CHEHUI_IDENTITY_PROVIDER", "CHEHUI_PUBLIC_URL",
        "CHEHUI_FIELD_KEYS", "CHEHUI_HASH_KEY",
    ],
)
def test_production_refuses_to_start_without_each_required_setting(missing):
    env = _production_env()
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.slow
def test_docker_compose_file_is_valid_and_demands_its_secrets():
    assert shutil.which("docker-compose"), "docker-compose is missing: `make test` installs it"
    compose = ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"]
    with_secrets = _clean_env(
        DJANGO_SECRET_KEY="x", POSTGRES_PASSWORD="y", FLOWER_BASIC_AUTH="a:b",
        CHEHUI_SMS_PROVIDER="apps.accounts.sms.LogSmsProvider",
        CHEHUI_IDENTITY_PROVIDER="apps.identity.providers.DevelopmentProvider",
        CHEHUI_PUBLIC_URL="https://chehui.example.com", CHEHUI_FIELD_KEYS="k", CHEHUI_HASH_KEY="h",
    )
    ok = subprocess.run([*compose, "-q"], env=with_secrets, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    services = subprocess.run(
        [*compose, "--services"], env=with_secrets, capture_output=True, text=True, check=True
    ).stdout.split()
    # web2, worker2 and lb belong to the "scale" profile (tests/scale/test_compose.py).
    assert set(services) == {"web", "worker", "beat", "flower", "postgres", "redis", "web2", "worker2", "lb"}
    without = subprocess.run([*compose, "-q"], env=_clean_env(), capture_output=True, text=True, check=False)
    assert without.returncode != 0
    assert "DJANGO_SECRET_KEY" in without.stderr
