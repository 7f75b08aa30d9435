"""End to end: beat (django-celery-beat's schedule) fires the sweep on a real worker through Redis."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from apps.sla.services import ticket_clock_start
from apps.tickets.models import TicketStatus, WithdrawalTicket
from tests.factories import ComplaintFactory, DraftFactory
from tests.sla.conftest import shanghai

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_and_a_worker_receive_a_night_ticket_once_its_morning_has_come(tmp_path):
    draft = DraftFactory(complaint=ComplaintFactory(filed_at=shanghai("2026-11-20 21:30")))
    ticket = ticket_clock_start(
        ticket_id=draft.pk, submitted_at=shanghai("2026-11-20 22:00"), now=shanghai("2026-11-20 22:00")
    )
    assert ticket.status == TicketStatus.SUBMITTED  # its 09:00 has long passed in real time
    # As if beat had last swept long ago, so the sweep is due the moment beat starts. A fixed past
    # moment, not "now" minus something: the worker lives on the real clock even when the suite's
    # clock is moved (CHEHUI_TEST_CLOCK), and a last run in its future would never fall due.
    PeriodicTask.objects.filter(task="sla.sweep").update(last_run_at=LONG_AGO)

    settings_dict = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CHEHUI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}",
        "REDIS_URL": os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--beat", "--pool=solo",
         "--loglevel=WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle",
         f"--schedule={tmp_path / 'beat'}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if WithdrawalTicket.objects.get(pk=ticket.pk).status != TicketStatus.SUBMITTED:
                break
            time.sleep(1)
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=30)
    ticket.refresh_from_db()
    # Received at its 09:00; expired too if its complaint's resolution date has passed since.
    assert ticket.status in {TicketStatus.RECEIVED, TicketStatus.EXPIRED}, errors[-2000:]
    assert ticket.events.filter(kind="received").count() == 1
