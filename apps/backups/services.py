"""Backups that restore: the database and the evidence storage in one archive, consistent together.

`backup_create` dumps the database from one snapshot, reads from that same snapshot which stored
files its rows refer to, and copies exactly those through the storage API (a folder or S3): the
archive never holds a row without its file. Files are written before the row that names them
commits (evidence_upload saves inside its transaction), so every such file exists; one removed
since the snapshot (a draft's evidence deleted meanwhile) makes the backup start again.
`backup_restore` checks the archive, fills an empty storage, then loads an empty database.
"""

import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import models
from django.utils.translation import gettext as _

from apps.backups import postgres, sqlite
from apps.backups.manifest import (
    FILES_DIR,
    MANIFEST_NAME,
    FileEntry,
    Manifest,
    archive_problems,
    file_digest,
    stored_name_check,
    stream_copy,
)
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.evidence.storage import private_storage

# The tables whose row counts the manifest records and a restore checks again.
KEY_MODELS = (
    "accounts.User",
    "complaints.Complaint",
    "tickets.WithdrawalTicket",
    "tickets.TicketEvent",
    "evidence.EvidenceFile",
    "conversation.Message",
    "conversation.Attachment",
)
BACKUP_ATTEMPTS = 3
ENGINES: dict[str, tuple[str, ModuleType, str]] = {
    "django.db.backends.postgresql": ("postgresql", postgres, "database.dump"),
    "django.db.backends.sqlite3": ("sqlite", sqlite, "database.sqlite3"),
}


@dataclass(frozen=True)
class RestoreReport:
    files: int
    bytes: int
    row_counts: dict[str, int]


class _FileVanished(Exception):
    """A file a row of the snapshot names was deleted before it was copied."""


def _engine(database: Mapping[str, Any]) -> tuple[str, ModuleType, str]:
    engine = ENGINES.get(str(database.get("ENGINE")))
    if engine is None:
        raise ApplicationError(
            _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": database.get("ENGINE")},
            extra={"code": "engine_unsupported"},
        )
    return engine


def _stored_file_fields() -> list[tuple[str, str, str | None]]:
    """(table, file column, SHA-256 column or None) of every file field on the evidence storage."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage is private_storage:
                digest = next((f.column for f in model._meta.concrete_fields if f.name == "sha256"), None)
                found.append((model._meta.db_table, str(field.column), digest))
    return found


def _referenced_files(cursor: Any) -> dict[str, str | None]:
    """Stored name -> the SHA-256 its row recorded (None where the row keeps none)."""
    names: dict[str, str | None] = {}
    for table, column, digest in _stored_file_fields():
        digest_sql = f'"{digest}"' if digest else "NULL"
        cursor.execute(f'SELECT "{column}", {digest_sql} FROM "{table}" WHERE "{column}" <> \'\'')  # noqa: S608
        for name, sha256 in cursor.fetchall():
            names[stored_name_check(name)] = sha256
    return names


def _row_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for label in KEY_MODELS:
        cursor.execute(f'SELECT count(*) FROM "{apps.get_model(label)._meta.db_table}"')  # noqa: S608
        counts[label] = int(cursor.fetchone()[0])
    return counts


def _migration_heads(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())  # the last applied of each app wins


def _app_version() -> str:
    try:
        return metadata.version("chehui")
    except metadata.PackageNotFoundError:
        return "unknown"


def _file_copy(storage: Storage, name: str, recorded: str | None, folder: Path) -> FileEntry:
    target = folder / FILES_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with storage.open(name, "rb") as source, target.open("wb") as out:
            size, sha256 = stream_copy(source, out)
    except Exception as error:
        if not storage.exists(name):
            raise _FileVanished(name) from error
        raise
    if recorded is not None and recorded != sha256:
        raise ApplicationError(
            _("The stored file %(name)s does not match the SHA-256 its row recorded: the storage is damaged.")
            % {"name": name},
            extra={"code": "file_damaged", "name": name},
        )
    return FileEntry(name=name, size=size, sha256=sha256)


def _backup_into(folder: Path, *, storage: Storage, database: Mapping[str, Any]) -> Manifest:
    engine_name, engine, dump_name = _engine(database)
    with engine.snapshot_dump(database, folder / dump_name) as cursor:
        referenced = _referenced_files(cursor)
        counts = _row_counts(cursor)
        heads = _migration_heads(cursor)
    entries = [_file_copy(storage, name, referenced[name], folder) for name in sorted(referenced)]
    dump_size, dump_sha256 = file_digest(folder / dump_name)
    return Manifest(
        created_at=clock.now().isoformat().replace("+00:00", "Z"), app_version=_app_version(),
        engine=engine_name, database_file=dump_name, database_size=dump_size, database_sha256=dump_sha256,
        migrations=heads, row_counts=counts, files=entries,
    )


def backup_create(
    *, destination: Path, storage: Storage | None = None, database: Mapping[str, Any] | None = None
) -> Path:
    """Write a new archive folder under `destination` and return it; it appears only once complete."""
    storage = storage or private_storage
    database = database or settings.DATABASES["default"]
    folder = Path(destination) / f"chehui-backup-{clock.now():%Y%m%dT%H%M%SZ}"
    partial = folder.with_name(folder.name + ".partial")
    if folder.exists():
        raise ApplicationError(_("%(folder)s exists already.") % {"folder": folder}, extra={"code": "exists"})
    for attempt in range(1, BACKUP_ATTEMPTS + 1):
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            manifest = _backup_into(partial, storage=storage, database=database)
            break
        except _FileVanished as vanished:
            if attempt == BACKUP_ATTEMPTS:
                shutil.rmtree(partial, ignore_errors=True)
                raise ApplicationError(
                    _("The stored file %(name)s disappeared during the backup, %(attempts)s times.")
                    % {"name": vanished, "attempts": BACKUP_ATTEMPTS},
                    extra={"code": "file_missing", "name": str(vanished)},
                ) from vanished
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    manifest.write(partial)
    partial.rename(folder)
    return folder


def backup_verify(*, archive: Path) -> Manifest:
    """Check every part of an archive against its manifest; return the manifest, or raise."""
    archive = Path(archive)
    try:
        manifest = Manifest.read(archive)
        problems = archive_problems(archive, manifest)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ApplicationError(
            _("%(folder)s is not a readable backup: %(error)s") % {"folder": archive, "error": error},
            extra={"code": "not_a_backup"},
        ) from error
    if problems:
        raise ApplicationError(
            _("The backup %(folder)s is damaged: %(problems)s")
            % {"folder": archive, "problems": "; ".join(problems)},
            extra={"code": "archive_damaged", "problems": problems},
        )
    return manifest


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    yield from (prefix + name for name in files)
    for sub in folders:
        yield from _stored_names(storage, prefix + sub)


def _file_restore(storage: Storage, archive: Path, entry: FileEntry, *, replace: bool) -> None:
    if replace and storage.exists(entry.name):
        storage.delete(entry.name)
    with (archive / FILES_DIR / entry.name).open("rb") as handle:
        saved = storage.save(entry.name, File(handle, name=entry.name))
    with storage.open(saved, "rb") as stored:
        size, sha256 = stream_copy(stored)
    if saved != entry.name or (size, sha256) != (entry.size, entry.sha256):
        raise ApplicationError(
            _("The storage did not keep %(name)s as it was given.") % {"name": entry.name},
            extra={"code": "file_not_kept", "name": entry.name},
        )


def backup_restore(
    *,
    archive: Path,
    storage: Storage | None = None,
    database: Mapping[str, Any] | None = None,
    force: bool = False,
) -> RestoreReport:
    """Restore an archive into an empty storage and an empty database; `force` replaces what is there.

    The archive is checked first; the files go in before the database, so an interrupted restore
    leaves files nobody refers to, never rows without files. The database loads all or nothing.
    """
    archive = Path(archive)
    storage = storage or private_storage
    database = database or settings.DATABASES["default"]
    manifest = backup_verify(archive=archive)
    engine_name, engine, _dump_name = _engine(database)
    if manifest.engine != engine_name:
        raise ApplicationError(
            _("This backup is of a %(archived)s database; the target is %(target)s.")
            % {"archived": manifest.engine, "target": engine_name},
            extra={"code": "engine_mismatch"},
        )
    if not force and not engine.is_empty(database):
        raise ApplicationError(
            _("The target database is not empty: restore into an empty one, or pass --force to replace it."),
            extra={"code": "database_not_empty"},
        )
    if not force and next(_stored_names(storage), None) is not None:
        raise ApplicationError(
            _("The target evidence storage is not empty: restore into an empty one, "
              "or pass --force to replace its files."),
            extra={"code": "storage_not_empty"},
        )
    for entry in manifest.files:
        _file_restore(storage, archive, entry, replace=force)
    engine.restore(database, archive / manifest.database_file, replace=force)
    with engine.connect(database) as connection:
        counts = _row_counts(connection.cursor())
    if counts != manifest.row_counts:
        raise ApplicationError(
            _("The restored database's row counts %(counts)s differ from the backup's %(expected)s.")
            % {"counts": counts, "expected": manifest.row_counts},
            extra={"code": "counts_differ"},
        )
    return RestoreReport(
        files=len(manifest.files), bytes=sum(entry.size for entry in manifest.files), row_counts=counts
    )


__all__ = ["MANIFEST_NAME", "RestoreReport", "backup_create", "backup_restore", "backup_verify"]
