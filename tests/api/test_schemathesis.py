"""schemathesis (v4) against the schema of a live server on loopback, every check on, two seeds.

`positive_data_acceptance` also accepts 400 and 422: a request can match the schema and still be
refused by a business rule (a complaint number that exists on no platform, a step out of order)
or reuse an Idempotency-Key for another body, and the API documents both answers. No 5xx is
accepted anywhere (`not_a_server_error` is among `all`).

The data does not depend on the wall clock: the domain clock (apps.core.clock) starts at a fixed
moment inside service hours and runs on from there, and the ticket is made with explicit times, so
a run at 03:00 or 23:30 in Shanghai fuzzes the same world as one at 10:00.
"""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from apps.integrations.models import Integration
from apps.policy.models import ComplaintType, Platform
from tests.api.conftest import issue, key_client
from tests.factories import ComplaintFactory, RequesterFactory, TicketFactory

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422", "429"]

[parameters]
"path.reference" = "{reference}"
"""
# Tuesday 24 November 2026, 10:00 in Shanghai: a working day, inside service hours.
FUZZ_START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
# Two seeds, fixed so a red run can be replayed; each gets the examples and the time below.
# CHEHUI_SCHEMATHESIS_SEEDS="7,424242" tries others (a red one is replayed with the same value).
SEEDS = [int(seed) for seed in os.environ.get("CHEHUI_SCHEMATHESIS_SEEDS", "20261124,20261203").split(",")]
MAX_EXAMPLES = 25
MAX_SECONDS = 60


class RunningClock:
    """apps.core.clock.now from a fixed start, moving with real elapsed time (so rates and expiries
    still pass), whatever the wall clock says."""

    def __init__(self, start: datetime) -> None:
        self.start, self.started = start, time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


@dataclass
class FuzzWorld:
    key: str
    reference: str


def fuzz_world(moment: datetime) -> FuzzWorld:
    """A WeChat integration's key and a ticket received half an hour before `moment`, in the queue."""
    integration = Integration.objects.create(name="Fuzzer")
    integration.platforms.set([Platform.objects.get(code="wechat")])
    _key, plain = issue(integration)
    complaint = ComplaintFactory(
        complaint_type=ComplaintType.objects.get(code="content_infringement"),
        filed_at=moment - timedelta(hours=1),
    )
    ticket = TicketFactory(
        complaint=complaint,
        requester=RequesterFactory(),
        stage=None,
        submitted_at=moment - timedelta(minutes=30),
        received_at=moment - timedelta(minutes=30),
    )
    return FuzzWorld(key=plain, reference=ticket.reference)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_api_keeps_its_schema_under_fuzzing(live_server, settings, monkeypatch, tmp_path, seed):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute", "preview": "100000/minute"},
    }
    # The live server's threads run in this process: they read this clock too.
    monkeypatch.setattr("apps.core.clock.now", RunningClock(FUZZ_START))
    world = fuzz_world(FUZZ_START)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(reference=world.reference))
    executable = str(SCHEMATHESIS) if SCHEMATHESIS.exists() else shutil.which("schemathesis")
    assert executable, "pip install schemathesis"

    run = subprocess.run(
        [
            executable,
            "--config-file",
            str(config),
            "run",
            f"{live_server.url}/api/v1/schema/",
            "--checks",
            "all",
            "-H",
            f"Authorization: Bearer {world.key}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--max-time",
            str(MAX_SECONDS),
            "--no-shrink",
            "--seed",
            str(seed),
            "--generation-database",
            "none",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
        cwd=tmp_path,
        check=False,
    )

    print(run.stdout[-3000:])  # the summary: operations, cases generated, checks passed (pytest -s)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "5xx" not in run.stdout and "Server error" not in run.stdout, run.stdout[-6000:]


@pytest.mark.django_db
@pytest.mark.parametrize("wall_clock", ["03:00", "09:00", "20:59", "23:30"])
def test_the_fuzzed_world_is_the_same_whatever_the_wall_clock_says(monkeypatch, wall_clock):
    """The hours a run at 17:24 in Shanghai once failed at, and others: same ticket, same answers."""
    hour, minute = map(int, wall_clock.split(":"))
    wall = datetime(2026, 12, 3, hour, minute, tzinfo=UTC) - timedelta(hours=8)  # Shanghai is UTC+8
    monkeypatch.setattr("django.utils.timezone.now", lambda: wall)
    monkeypatch.setattr("apps.core.clock.now", RunningClock(FUZZ_START))
    world = fuzz_world(FUZZ_START)
    api = key_client(world.key)

    detail = api.get(f"/api/v1/tickets/{world.reference}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "received"
    contact = api.post(f"/api/v1/tickets/{world.reference}/contact", {"channel": "phone"}, format="json")
    assert contact.status_code == 200, contact.json()
