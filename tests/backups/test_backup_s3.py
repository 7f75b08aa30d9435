"""Evidence on S3-compatible storage (moto's server on loopback): private objects, backed up and restored."""

import hashlib
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from apps.backups.services import backup_create, backup_restore
from apps.evidence.models import EvidenceFile
from apps.evidence.s3 import PrivateS3Storage
from apps.evidence.storage import private_storage
from tests.backups.conftest import TABLES, rows_here, rows_in
from tests.evidence import files
from tests.evidence.uploads import upload
from tests.factories import DraftFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """Make a new, empty bucket and give its storage options (as settings.EVIDENCE_STORAGE has them)."""
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )

    def make() -> dict[str, Any]:
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=name)
        return {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                "access_key": "testing", "secret_key": "testing"}

    make.client = client  # type: ignore[attr-defined]
    return make


def test_evidence_on_s3_is_private_and_restores_into_another_bucket(
    bucket, settings, empty_database, tmp_path
):
    live = bucket()
    settings.EVIDENCE_STORAGE = {"BACKEND": "apps.evidence.s3.PrivateS3Storage", "OPTIONS": live}
    tickets = [DraftFactory(), DraftFactory()]
    upload(tickets[0], files.pdf_bytes("一 one"), "一.pdf")
    upload(tickets[1], files.docx_bytes("和解协议"), "协议.docx")
    stored = dict(EvidenceFile.objects.values_list("file", "sha256"))

    # In the bucket, readable by no one but the keys' holder, with no URL to hand out.
    client = bucket.client
    for name in stored:
        grants = client.get_object_acl(Bucket=live["bucket_name"], Key=name)["Grants"]
        assert ALL_USERS not in {grant["Grantee"].get("URI") for grant in grants}
        with pytest.raises(ValueError, match="no public URL"):
            private_storage.url(name)

    archive = backup_create(destination=tmp_path)
    second = bucket()
    report = backup_restore(archive=archive, storage=PrivateS3Storage(**second), database=empty_database)

    assert report.files == 2
    restored = {
        name: hashlib.sha256(client.get_object(Bucket=second["bucket_name"], Key=name)["Body"].read())
        .hexdigest()
        for name in stored
    }
    assert restored == stored
    for table in TABLES.values():
        assert rows_in(empty_database, table) == rows_here(table), table
