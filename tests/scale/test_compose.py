"""docker-compose.yml as an operator runs it: every service restarts, is watched, and beat is one."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_IMAGE = "chehui:latest"
# Beat has no port to ask and nothing to ping: `docker-compose ps` shows it up or restarting.
UNWATCHED = {"beat", "flower"}


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _app_services(services: dict[str, dict]) -> dict[str, dict]:
    return {name: spec for name, spec in services.items() if spec.get("image") == APP_IMAGE}


def _runs(spec: dict, program: str) -> bool:
    command = spec.get("command", "")
    return program in (command if isinstance(command, str) else " ".join(command))


def test_every_service_restarts_on_its_own(services):
    assert all(spec.get("restart") == "unless-stopped" for spec in services.values())


def test_every_service_but_beat_and_flower_has_a_healthcheck(services):
    missing = [name for name, spec in services.items() if name not in UNWATCHED and "healthcheck" not in spec]
    assert not missing


def test_the_default_stack_has_one_of_each_and_the_scale_profile_a_second_web_and_worker(services):
    apps = _app_services(services)
    default = {name for name, spec in apps.items() if not spec.get("profiles")}
    scale = {name for name, spec in apps.items() if "scale" in spec.get("profiles", [])}
    assert default == {"web", "worker", "beat"}
    webs = [name for name in default | scale if _runs(apps[name], "gunicorn")]
    workers = [name for name in default | scale if _runs(apps[name], "worker")]
    assert sorted(webs) == ["web", "web2"]
    assert sorted(workers) == ["worker", "worker2"]


def test_beat_runs_once_in_every_profile(services):
    beats = [name for name, spec in services.items() if _runs(spec, " beat")]
    assert beats == ["beat"]
    assert "--beat" not in " ".join(str(spec.get("command", "")) for spec in services.values())


def test_only_web_migrates_and_the_second_web_waits_for_it(services):
    migrating = [name for name, spec in services.items() if _runs(spec, "migrate")]
    assert migrating == ["web"]
    assert services["web2"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_load_balancer_spreads_over_both_webs(services):
    balancer = services["lb"]
    assert "scale" in balancer["profiles"]
    mounted = [volume.split(":")[0] for volume in balancer["volumes"]]
    config = (ROOT / mounted[0]).read_text()
    assert "server web:8000" in config and "server web2:8000" in config
    assert "non_idempotent" not in config  # a failed POST is never replayed on the other web
