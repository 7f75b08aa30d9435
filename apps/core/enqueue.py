"""Queue a Celery task by its registered name, so a service never imports the task module that calls it.

Tasks call services; services queue tasks through here, by name. The task is taken from the Celery
app's registry rather than sent with `send_task`, so `task_always_eager` (the tests) still runs it
in place. Every process that queues has the task modules registered: `tasks_register` runs in
CoreConfig.ready(), so web, shell, tests and workers alike.
"""

from typing import Any

from celery import Task
from django.db import transaction

from config.celery_app import app


def tasks_register() -> None:
    """Import every installed app's `tasks` module, as the worker does, so each task is registered."""
    app.autodiscover_tasks(force=True)


def registered_task(name: str) -> Task:
    """The task registered as `name`; celery.exceptions.NotRegistered (a KeyError) for any other name."""
    return app.tasks[name]


def enqueue(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the task registered as `name` with these arguments (run in place when always eager)."""
    registered_task(name).delay(*args, **kwargs)


def enqueue_on_commit(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the task registered as `name` once the transaction commits; a failed send is logged.

    robust: a broker that is down must not turn a saved change into an error. The name is looked
    up now, so a misspelt one raises in the caller instead of in a callback whose error is logged.
    """
    task = registered_task(name)

    def send() -> None:
        task.delay(*args, **kwargs)

    # Django logs a robust callback's failure by its __qualname__: name the task there.
    send.__qualname__ = f"enqueue_on_commit({name!r})"
    transaction.on_commit(send, robust=True)
