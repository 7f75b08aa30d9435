"""PostgreSQL for backups: a snapshot read alongside pg_dump, pg_restore, and plain connections.

The connection settings are Django's (a DATABASES entry); pg_dump and pg_restore get them as
libpq environment variables, so the password never appears on a command line.
"""

import os
import subprocess  # pg_dump and pg_restore, with argument lists, never a shell
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options")
DUMP_TIMEOUT_SECONDS = 6 * 3600


def conninfo(database: Mapping[str, Any]) -> dict[str, str]:
    """libpq keywords for a Django DATABASES entry (empty values left out)."""
    options = database.get("OPTIONS") or {}
    keywords = {
        "dbname": database.get("NAME"), "user": database.get("USER"), "password": database.get("PASSWORD"),
        "host": database.get("HOST"), "port": database.get("PORT"),
        **{key: options.get(key) for key in LIBPQ_OPTIONS},
    }
    return {key: str(value) for key, value in keywords.items() if value not in (None, "")}


def _libpq_env(database: Mapping[str, Any]) -> dict[str, str]:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST",
             "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
             "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
             "options": "PGOPTIONS"}
    return {**os.environ, **{names[key]: value for key, value in conninfo(database).items()}}


def _run(command: list[str], database: Mapping[str, Any]) -> None:
    done = subprocess.run(  # noqa: S603
        command, env=_libpq_env(database), capture_output=True, text=True, timeout=DUMP_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


@contextmanager
def connect(database: Mapping[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(make_conninfo(**conninfo(database))) as connection:
        yield connection


@contextmanager
def snapshot_dump(database: Mapping[str, Any], target: Path) -> Iterator[psycopg.Cursor[Any]]:
    """Dump the database to `target` from one snapshot, and yield a cursor reading that same snapshot.

    A REPEATABLE READ transaction exports its snapshot and pg_dump --snapshot dumps exactly what
    it sees, so what the caller reads (the file names rows refer to) matches the dump.
    """
    with connect(database) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone() or ("",)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password",
                  f"--file={target}"], database)
            yield cursor
        connection.rollback()


def is_empty(database: Mapping[str, Any]) -> bool:
    """Whether the database holds no table outside PostgreSQL's own schemas."""
    with connect(database) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row is not None and row[0] == 0


def restore(database: Mapping[str, Any], dump: Path, *, replace: bool) -> None:
    """Load a custom-format dump in one transaction (all or nothing); `replace` drops what is there."""
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               "--no-password", f"--dbname={conninfo(database)['dbname']}"]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], database)
