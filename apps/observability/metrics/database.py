"""Database query metrics, fed into django-prometheus's own DB metrics by an execute wrapper.

django-prometheus measures queries by swapping the ENGINE for its wrapper backend. Its
PostgreSQL wrapper works with psycopg 3, but code and tests here read the ENGINE to know the
database is PostgreSQL (tests/config/test_settings.py, bench/sweep.py); so the same metrics
(django_db_execute_total, django_db_query_duration_seconds, django_db_errors_total,
django_db_new_connections_total) are fed from Django's execute-wrapper hook instead, which also
works on the embedded SQLite.
"""

import time
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django_prometheus.db import (
    connections_total,
    errors_total,
    execute_many_total,
    execute_total,
    query_duration_seconds,
)


def query_measure(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Count the statement, time it, and count its error by type if it fails."""
    connection: BaseDatabaseWrapper = context["connection"]
    labels = (connection.alias, connection.vendor)
    statements = len(params) if many and isinstance(params, list | tuple) else 1
    execute_total.labels(*labels).inc(statements)
    if many:
        execute_many_total.labels(*labels).inc(statements)
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception as error:
        errors_total.labels(*labels, type(error).__name__).inc()
        raise
    finally:
        query_duration_seconds.labels(*labels).observe(time.perf_counter() - started)


def connection_instrument(*, connection: BaseDatabaseWrapper, **_: Any) -> None:
    """connection_created: count the connection and measure its queries (once per wrapper)."""
    connections_total.labels(connection.alias, connection.vendor).inc()
    if query_measure not in connection.execute_wrappers:
        connection.execute_wrappers.append(query_measure)


def database_metrics_connect() -> None:
    connection_created.connect(connection_instrument, weak=False, dispatch_uid="chehui_db_metrics")
