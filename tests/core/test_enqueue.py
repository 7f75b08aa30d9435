"""Services queue tasks by registered name (apps.core.enqueue), without importing the task modules."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.exceptions import NotRegistered
from kombu.exceptions import OperationalError

from apps.casework.services.notifications import EMAIL_TASK
from apps.core.enqueue import enqueue, enqueue_on_commit, registered_task
from apps.integrations.webhooks import DELIVER_TASK
from apps.sla.signals import RECOMPUTE_TASK
from config.celery_app import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
NAMES_USED_BY_SERVICES = (EMAIL_TASK, DELIVER_TASK, RECOMPUTE_TASK)
# A fresh process: only django.setup() may have imported the task modules.
REGISTERED_AFTER_SETUP = (
    "import json, sys, django; django.setup(); "
    "from config.celery_app import app; "
    "names = sys.argv[1:]; "
    "print(json.dumps({'registered': [n for n in names if n in app.tasks], "
    "'imported': sorted(m for m in sys.modules if m.startswith('apps.') and m.endswith('.tasks'))}))"
)


@pytest.mark.slow
def test_django_setup_alone_registers_the_tasks_services_queue_by_name():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", REGISTERED_AFTER_SETUP, *NAMES_USED_BY_SERVICES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["registered"] == list(NAMES_USED_BY_SERVICES)
    assert "apps.casework.tasks" in found["imported"]


def test_the_names_services_use_are_the_tasks_names():
    from apps.casework.tasks import notification_emails
    from apps.integrations.tasks import webhook_deliver
    from apps.sla.tasks import recompute

    assert [notification_emails.name, webhook_deliver.name, recompute.name] == list(NAMES_USED_BY_SERVICES)
    assert registered_task(EMAIL_TASK) is notification_emails._get_current_object()


def test_an_unknown_name_fails_at_once_in_the_caller(django_capture_on_commit_callbacks):
    with pytest.raises(NotRegistered):
        enqueue("casework.notification_email")  # misspelt
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(NotRegistered):
        enqueue_on_commit("casework.notification_email", [1])
    assert callbacks == []  # raised before anything was left to run after commit


def test_enqueue_runs_the_task_in_place_when_always_eager(monkeypatch):
    ran = []
    monkeypatch.setattr(registered_task("core.ping"), "run", lambda: ran.append("pong"))
    celery_app.conf.task_always_eager = True  # as tests/casework's eager_tasks does
    try:
        enqueue("core.ping")
    finally:
        celery_app.conf.task_always_eager = False
    assert ran == ["pong"]


@pytest.mark.django_db
def test_a_send_queued_on_commit_goes_after_commit_with_its_arguments(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        registered_task(EMAIL_TASK), "delay", lambda *args, **kwargs: sent.append((args, kwargs))
    )
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(EMAIL_TASK, [3, 4])
        assert sent == []
    assert sent == [(([3, 4],), {})]


@pytest.mark.django_db
def test_a_broker_that_is_down_is_logged_under_the_task_name_not_raised(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(registered_task(EMAIL_TASK), "delay", broker_down)
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"), django_capture_on_commit_callbacks(
        execute=True
    ):
        enqueue_on_commit(EMAIL_TASK, [5])
    assert f"enqueue_on_commit('{EMAIL_TASK}')" in caplog.text
