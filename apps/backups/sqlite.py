"""SQLite (the embedded default) for backups: a copy made with SQLite's online backup API.

The copy is a consistent snapshot taken while the site runs; the file names are then read from
the copy itself, so the archive's files match its rows exactly as with PostgreSQL.
"""

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any


def _path(database: Mapping[str, Any]) -> Path:
    return Path(str(database["NAME"]))


@contextmanager
def snapshot_dump(database: Mapping[str, Any], target: Path) -> Iterator[sqlite3.Cursor]:
    """Copy the database to `target` and yield a cursor reading the copy."""
    with closing(sqlite3.connect(_path(database))) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        yield copy.cursor()


def is_empty(database: Mapping[str, Any]) -> bool:
    path = _path(database)
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return row[0] == 0


def restore(database: Mapping[str, Any], dump: Path, *, replace: bool) -> None:
    """Write the copy over the database file (the backup API replaces its whole content)."""
    path = _path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)


@contextmanager
def connect(database: Mapping[str, Any]) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(_path(database))) as connection:
        yield connection
