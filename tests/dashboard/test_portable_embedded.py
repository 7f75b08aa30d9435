"""The embedded default for real: the SQLite demo refreshes the dashboard's snapshot and shows it.

Runs manage.py in a subprocess with a clean environment (no DATABASE_URL, no REDIS_URL) and its own
CHEHUI_VAR_DIR, as tests/config/test_settings.py does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dashboard.test_portable import CHART_KEYS

ROOT = Path(__file__).resolve().parents[2]

_EMBEDDED_CHECK = """
import json, re
from datetime import timedelta
from django.db import connection
from django.test import Client
from django.urls import reverse
from apps.accounts.models import User
from apps.core import clock
from apps.dashboard.selectors import dashboard_figures
from apps.dashboard.services import dashboard_snapshot_refresh
from apps.dashboard.tasks import dashboard_snapshot_refresh as refresh_task
from apps.privacy.retention import retention_run
from apps.tickets.models import QUEUE_STATUSES, WithdrawalTicket

took = refresh_task()
snapshot = dashboard_snapshot_refresh(now=clock.now())
client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
client.force_login(User.objects.get(username="supervisor"))
page = client.get(reverse("dashboard:home"))
html = page.content.decode()
exports = sorted(set(re.findall(r"/dashboard/([a-z-]+)[.]csv", html)))
print(json.dumps({
    "vendor": connection.vendor,
    "took": took,
    "rows": {key: len(snapshot.figures[key]) for key in ("open", "urgent", "history")},
    "open": dashboard_figures(now=clock.now()).open.total,
    "queue": WithdrawalTicket.objects.filter(status__in=QUEUE_STATUSES).count(),
    "status": page.status_code,
    "title": "Supervisor dashboard" in html,
    "live": "Computed for this page" in html,
    "exports": {key: client.get(reverse("dashboard:export", args=[key])).status_code for key in exports},
    # Last (it erases): the nightly retention run, ten years on, over every closed demo ticket.
    "erased": {run.kind: run.tickets for run in retention_run(now=clock.now() + timedelta(days=3650))},
}))
"""


def _embedded(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """manage.py on the embedded default: no DATABASE_URL or REDIS_URL, everything under `var_dir`."""
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "LC_ALL"}}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "config.settings.local", "CHEHUI_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_embedded_sqlite_demo_refreshes_and_shows_the_dashboard(tmp_path):
    for command in (("migrate", "--noinput"), ("seed_demo",)):
        result = _embedded(*command, var_dir=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr

    result = _embedded("shell", "-c", _EMBEDDED_CHECK, var_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["vendor"] == "sqlite"
    assert seen["took"] >= 0
    assert all(seen["rows"].values()), seen["rows"]
    assert seen["open"] == seen["queue"] > 0
    assert seen["erased"] and all(count > 0 for count in seen["erased"].values()), seen["erased"]
    assert (seen["status"], seen["title"], seen["live"]) == (200, True, False)
    assert seen["exports"] == dict.fromkeys(sorted([*CHART_KEYS, "tickets"]), 200)  # and the ticket export
