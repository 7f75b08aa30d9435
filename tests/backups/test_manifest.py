"""The archive's manifest: written and read back, and what a damaged or hostile archive is found to be."""

import hashlib

import pytest

from apps.backups.manifest import FileEntry, Manifest, archive_problems, stored_name_check


def archive_with(folder, files: dict[str, bytes]) -> Manifest:
    (folder / "database.dump").write_bytes(b"dump")
    for name, content in files.items():
        (folder / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "files" / name).write_bytes(content)
    manifest = Manifest(
        created_at="2026-12-03T18:30:00Z", app_version="0.1.0", engine="postgresql",
        database_file="database.dump", database_size=4, database_sha256=hashlib.sha256(b"dump").hexdigest(),
        migrations={"evidence": "0003_x"}, row_counts={"tickets.WithdrawalTicket": 2},
        files=[FileEntry(name, len(body), hashlib.sha256(body).hexdigest()) for name, body in files.items()],
    )
    manifest.write(folder)
    return manifest


def test_a_manifest_reads_back_as_written_and_an_intact_archive_has_no_problem(tmp_path):
    written = archive_with(tmp_path, {"evidence/a1": b"one", "messages/b2": b"two"})
    assert Manifest.read(tmp_path) == written
    assert archive_problems(tmp_path, written) == []


def test_a_missing_a_changed_file_and_a_changed_dump_are_each_named(tmp_path):
    manifest = archive_with(tmp_path, {"evidence/a1": b"one", "evidence/b2": b"two"})
    (tmp_path / "files" / "evidence" / "a1").unlink()
    (tmp_path / "files" / "evidence" / "b2").write_bytes(b"tw0")
    (tmp_path / "database.dump").write_bytes(b"dumq")
    assert archive_problems(tmp_path, manifest) == [
        "database.dump: size or SHA-256 differs from the manifest",
        "evidence/a1: missing",
        "evidence/b2: size or SHA-256 differs from the manifest",
    ]


@pytest.mark.parametrize("name", ["", "../etc/passwd", "evidence/../../x", "/etc/passwd", "evidence\\..\\x"])
def test_a_stored_name_that_would_leave_the_archive_is_refused(name):
    with pytest.raises(ValueError, match="unsafe"):
        stored_name_check(name)


def test_an_archive_of_another_format_is_refused(tmp_path):
    archive_with(tmp_path, {})
    text = (tmp_path / "manifest.json").read_text().replace('"format": 1', '"format": 2')
    (tmp_path / "manifest.json").write_text(text)
    with pytest.raises(ValueError, match="format"):
        Manifest.read(tmp_path)
