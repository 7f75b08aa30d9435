"""Log lines as structured events: JSON on stdout in production, readable columns on a terminal.

structlog renders every line, including those of plain `logging.getLogger(__name__)` calls (the
"foreign" lines), so a request id bound by the middleware reaches them too. Settings import
`logging_config`; the app's `ready()` calls `structlog_configure` once per process.
"""

from typing import Any

import structlog


def request_id_from_request(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Django logs a 4xx/5xx answer (django.request) after every middleware has returned and the
    request's context is unbound: take the id from the request the line is about."""
    if "request_id" not in event_dict:
        request_id = getattr(event_dict.get("request"), "request_id", None)
        if request_id:
            event_dict["request_id"] = request_id
    return event_dict


# What every line gets before rendering, whether it came through structlog or plain logging.
SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,  # request_id, task_id, user_id bound for this request
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
    request_id_from_request,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def json_formatter() -> dict[str, Any]:
    """A logging formatter config writing one JSON object per line."""
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        "foreign_pre_chain": SHARED_PROCESSORS,
    }


def console_formatter() -> dict[str, Any]:
    """A logging formatter config for a person at a terminal: aligned columns, plain tracebacks."""
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        "foreign_pre_chain": SHARED_PROCESSORS,
    }


def logging_config(*, json: bool, level: str = "INFO") -> dict[str, Any]:
    """The LOGGING setting: one stdout handler, JSON or console, for every logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter(), "console": console_formatter()},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if json else "console",
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


def structlog_configure() -> None:
    """Route structlog's own loggers through the standard logging handlers of LOGGING."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
