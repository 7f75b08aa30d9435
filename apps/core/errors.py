"""The one application error type: a message a person understands, plus structured detail."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused an action; `message` is shown to the user as it is."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


# How long a client should wait before retrying while the database is unreachable: about what a
# PostgreSQL restart or a failover takes.
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database cannot be reached or dropped the connection.

    Django wraps the driver's errors as django.db.OperationalError / InterfaceError; psycopg's own
    are checked too, for code that talks to the driver directly.
    """
    from django.db import InterfaceError, OperationalError

    try:
        import psycopg

        driver_errors: tuple[type[BaseException], ...] = (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # the embedded SQLite default
        driver_errors = ()
    seen = 0
    while exc is not None and seen < 5:  # a short chain: a wrapped error, its cause, and so on
        if isinstance(exc, (OperationalError, InterfaceError, *driver_errors)):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False
