"""Writes that must land although the database connection died under them: retry on a fresh one.

A PostgreSQL restart kills every open connection. Django only notices at the next query, which
then fails; run on that same connection, a clean-up (releasing an Idempotency-Key, recording a
webhook attempt that reached its receiver) would fail too and leave the row wrong for minutes.
Outside a transaction the broken connection can be closed and the write run again on a new one
as soon as the server is back: a restart takes a second or three, the waits below add up to ~8 s.
"""

import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0)

Result = TypeVar("Result")


def connection_reset() -> None:
    """Drop the current connection, whatever its state; the next query opens a new one."""
    try:
        connection.close()
    except DATABASE_ERRORS:  # closing a dead socket may complain; the connection is gone either way
        connection.connection = None


def on_fresh_connection(
    write: Callable[[], Result],
    *,
    what: str,
    waits: Sequence[float] = RETRY_WAITS,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Run `write`; when the database fails, run it again on a new connection after each wait.

    `write` must be safe to run twice (its own transaction, or a guard against a second row): a
    COMMIT whose answer was lost may have happened. Inside an outer transaction nothing can be
    retried (what it did is gone with the connection), so the error goes to the caller at once.
    """
    for wait in (*waits, None):
        try:
            return write()
        except DATABASE_ERRORS:
            if wait is None or connection.in_atomic_block:
                raise
            logger.warning("database error while %s; retrying on a new connection in %.1f s", what, wait)
        connection_reset()
        sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
