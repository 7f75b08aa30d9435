"""Carry the request id into the Celery tasks a request queues, so their log lines share it.

`before_task_publish` copies the bound request id into the message headers (a custom header
becomes an attribute of `task.request` in the worker); `task_prerun` binds it, with the task's
id and name, for the task's log lines, and `task_postrun` forgets them. A task run eagerly runs
inside the request: the request's context is already bound and is kept.
"""

from typing import Any

import structlog

TASK_REQUEST_ID_HEADER = "chehui_request_id"
TASK_FIELDS = ("task_id", "task_name")


def request_id_put_in_headers(*, headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: the publishing context's request id travels with the message."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and headers is not None:
        headers[TASK_REQUEST_ID_HEADER] = request_id


def task_context_bind(*, task_id: str = "", task: Any = None, **_: Any) -> None:
    """task_prerun: bind the task's id, name and the request id it was queued under."""
    request = getattr(task, "request", None)
    if request is not None and not getattr(request, "is_eager", False):
        structlog.contextvars.clear_contextvars()
        request_id = getattr(request, TASK_REQUEST_ID_HEADER, None)
        if request_id:
            structlog.contextvars.bind_contextvars(request_id=request_id)
    structlog.contextvars.bind_contextvars(task_id=task_id, task_name=getattr(task, "name", ""))


def task_context_unbind(*, task: Any = None, **_: Any) -> None:
    """task_postrun: a worker's next task starts clean; an eager task leaves the request's context."""
    request = getattr(task, "request", None)
    if request is not None and not getattr(request, "is_eager", False):
        structlog.contextvars.clear_contextvars()
    else:
        structlog.contextvars.unbind_contextvars(*TASK_FIELDS)


def task_context_connect() -> None:
    """Connect the three handlers (weak=False: they are module functions, kept anyway)."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(request_id_put_in_headers, weak=False, dispatch_uid="chehui_request_id_put")
    task_prerun.connect(task_context_bind, weak=False, dispatch_uid="chehui_task_context_bind")
    task_postrun.connect(task_context_unbind, weak=False, dispatch_uid="chehui_task_context_unbind")
