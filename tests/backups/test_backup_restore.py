"""backup_create / backup_restore on the folder storage: every ticket, event and file comes back."""

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection

from apps.backups.services import backup_create, backup_restore, backup_verify
from apps.core.errors import ApplicationError
from apps.evidence.models import EvidenceFile
from apps.evidence.storage import private_storage
from tests.backups.conftest import TABLES, query_in, rows_here, rows_in
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import DraftFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sha256_in(storage, name: str) -> str:
    with storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def refused(**restore) -> str:
    with pytest.raises(ApplicationError) as caught:
        backup_restore(**restore)
    return caught.value.extra["code"]


def test_a_backup_restores_into_an_empty_database_and_folder(tickets_with_evidence, empty_database, tmp_path):
    private_storage.save("evidence/orphan", ContentFile(b"a file no row names"))
    archive = backup_create(destination=tmp_path / "backups")

    manifest = json.loads((archive / "manifest.json").read_text())
    assert archive.name.startswith("chehui-backup-") and manifest["created_at"].endswith("Z")
    assert manifest["row_counts"]["tickets.WithdrawalTicket"] == 3
    assert manifest["row_counts"]["evidence.EvidenceFile"] == 3
    assert manifest["migrations"]["evidence"].startswith("0")
    names = {entry["name"] for entry in manifest["files"]}
    assert names == set(EvidenceFile.objects.values_list("file", flat=True))  # not the orphan

    # Never over what is there: not into a database with tables, not into a storage with files.
    restored_files = FileSystemStorage(location=tmp_path / "restored")
    used = FileSystemStorage(location=tmp_path / "used")
    used.save("evidence/already-here", ContentFile(b"x"))
    assert refused(archive=archive, storage=restored_files, database=connection.settings_dict) == (
        "database_not_empty")
    assert refused(archive=archive, storage=used, database=empty_database) == "storage_not_empty"
    assert query_in(empty_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []

    report = backup_restore(archive=archive, storage=restored_files, database=empty_database)

    assert report.files == 3
    assert report.row_counts == manifest["row_counts"]
    for table in TABLES.values():
        assert rows_in(empty_database, table) == rows_here(table), table
    assert len(rows_in(empty_database, TABLES["events"])) >= 3  # each upload is an event
    restored = {name: sha256_in(restored_files, name) for name in names}
    assert restored == dict(EvidenceFile.objects.values_list("file", "sha256"))
    assert not restored_files.exists("evidence/orphan")


def test_a_damaged_archive_is_found_and_never_restored(empty_database, tmp_path):
    upload(DraftFactory(), files.pdf_bytes("一 one"), "一.pdf")
    archive = backup_create(destination=tmp_path / "backups")
    assert len(backup_verify(archive=archive).files) == 1
    stored = next(path for path in (archive / "files").rglob("*") if path.is_file())
    stored.write_bytes(stored.read_bytes() + b"\n")

    with pytest.raises(ApplicationError) as damaged:
        backup_restore(archive=archive, storage=FileSystemStorage(location=tmp_path / "new"),
                       database=empty_database)
    assert damaged.value.extra["code"] == "archive_damaged"
    assert str(stored.relative_to(archive / "files")) in damaged.value.message
    assert not (tmp_path / "new").exists()
    assert query_in(empty_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_commands_back_up_and_restore(empty_database, tmp_path, settings, capsys):
    upload(DraftFactory(), files.pdf_bytes("一 one"), "一.pdf")
    call_command("backup", str(tmp_path / "backups"))
    assert "1 files" in capsys.readouterr().out
    (archive,) = (tmp_path / "backups").iterdir()
    call_command("backup", "--verify", str(archive))
    assert "verified" in capsys.readouterr().out

    settings.DATABASES = {**settings.DATABASES, "restored": empty_database}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "restored"
    call_command("restore", str(archive), "--database", "restored")
    assert "restored 1 files" in capsys.readouterr().out
    assert rows_in(empty_database, TABLES["evidence"]) == rows_here(TABLES["evidence"])
    (stored,) = EvidenceFile.objects.all()
    assert sha256_in(private_storage, stored.file.name) == stored.sha256


def test_a_backup_stops_on_a_stored_file_lost_or_changed(tmp_path):
    lost = upload(DraftFactory(), files.pdf_bytes("一 one"), "一.pdf")
    changed = upload(DraftFactory(), files.pdf_bytes("二 two"), "二.pdf")
    (tmp_path / "private" / changed.file.name).write_bytes(b"not what was uploaded")
    with pytest.raises(ApplicationError) as damaged:
        backup_create(destination=tmp_path / "backups")
    assert (damaged.value.extra["code"], damaged.value.extra["name"]) == ("file_damaged", changed.file.name)

    changed.file.delete(save=False)
    EvidenceFile.objects.filter(pk=changed.pk).delete()
    private_storage.delete(lost.file.name)
    with pytest.raises(ApplicationError) as missing:
        backup_create(destination=tmp_path / "backups")
    assert (missing.value.extra["code"], missing.value.extra["name"]) == ("file_missing", lost.file.name)
    assert list((tmp_path / "backups").iterdir()) == []  # nothing that looks like a backup
