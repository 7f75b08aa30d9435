"""The manifest of a backup archive: what it holds, with the size and SHA-256 of every part.

An archive is a folder: `manifest.json`, the database (`database.dump` from pg_dump's custom
format, or `database.sqlite3`) and `files/<stored name>` for every file of the evidence storage
that a row of the database refers to. No Django import: it reads and writes JSON and hashes files.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"
FORMAT_VERSION = 1
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileEntry:
    """One stored file: its name in the storage (and under files/), its size and digest."""

    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str  # ISO 8601, UTC
    app_version: str
    engine: str  # "postgresql" or "sqlite"
    database_file: str
    database_size: int
    database_sha256: str
    migrations: dict[str, str] = field(default_factory=dict)  # app label -> last applied migration
    row_counts: dict[str, int] = field(default_factory=dict)  # model label -> rows
    files: list[FileEntry] = field(default_factory=list)
    format: int = FORMAT_VERSION

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)
        (folder / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        data: dict[str, Any] = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unknown archive format {data.get('format')!r}")
        files = [FileEntry(**entry) for entry in data.pop("files")]
        return cls(**data, files=files)


def stream_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[int, str]:
    """Read `source` to its end (copying it into `target` if given); return its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        size += len(chunk)
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    with path.open("rb") as handle:
        return stream_copy(handle)


def stored_name_check(name: str) -> str:
    """Refuse a stored name that would leave the archive's files/ folder (absolute, or with '..')."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise ValueError(f"unsafe stored file name {name!r}")
    return name


def archive_problems(folder: Path, manifest: Manifest) -> list[str]:
    """What in the folder does not match the manifest: a missing or changed database or file."""
    problems: list[str] = []
    expected: Iterable[tuple[str, Path, int, str]] = [
        (manifest.database_file, folder / manifest.database_file, manifest.database_size,
         manifest.database_sha256),
        *((entry.name, folder / FILES_DIR / stored_name_check(entry.name), entry.size, entry.sha256)
          for entry in manifest.files),
    ]
    for name, path, size, sha256 in expected:
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        if file_digest(path) != (size, sha256):
            problems.append(f"{name}: size or SHA-256 differs from the manifest")
    return problems
