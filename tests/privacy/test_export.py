"""A requester downloads everything Chehui holds about them: JSON plus their own files, no internal notes."""

import hashlib
import io
import json
import zipfile

import pytest

from apps.accounts.roles import SUPERVISOR
from apps.privacy.models import DataExport
from tests.privacy.conftest import (
    FILE_BYTES,
    LETTER_BODY,
    MESSAGE_TEXT,
    NOTE_TEXT,
    PHONE,
    agent_with,
    person,
    requester_with_phone,
    shanghai,
    ticket_with_data,
)

pytestmark = pytest.mark.django_db
URL = "/my-data/download/"
CLOSED = shanghai("2026-10-01 10:00")


def download(client):
    response = client.post(URL)
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(body)), body


def test_the_zip_holds_the_json_and_the_requesters_own_files(as_user):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    someone_else = ticket_with_data(requester=requester_with_phone("13600000000"), closed_at=CLOSED)

    response, archive, _body = download(as_user(requester))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

    document = json.loads(archive.read("chehui-data.json"))
    assert document["requester"]["phone"] == PHONE
    [ticket] = document["tickets"]
    assert ticket["reference"] == loaded.ticket.reference
    assert ticket["letter"]["body"] == LETTER_BODY
    assert [m["text"] for m in ticket["messages"]] == [MESSAGE_TEXT]
    assert ticket["messages"][0]["attachments"] == ["photo.png"]
    assert ticket["identity_checks"][0]["ip_address"] == "203.0.113.*"
    assert someone_else.ticket.reference not in json.dumps(document)

    files = {entry["name"]: entry for entry in document["files"]}
    assert set(files) == {"receipt.pdf", "photo.png"}
    for entry in files.values():
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert archive.read(files["receipt.pdf"]["path"]) == FILE_BYTES

    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert NOTE_TEXT.encode() not in everything and b"Internal" not in everything
    assert b"203.0.113.45" not in everything


def test_each_download_is_recorded_with_its_size(as_user):
    requester = requester_with_phone()
    ticket_with_data(requester=requester, closed_at=CLOSED)
    _response, _archive, body = download(as_user(requester))
    [record] = DataExport.objects.all()
    assert record.requester == requester and record.size_bytes == len(body)
    assert (record.tickets, record.files) == (1, 2)


def test_a_requester_with_nothing_gets_an_empty_document(as_user):
    _response, archive, _body = download(as_user(requester_with_phone()))
    document = json.loads(archive.read("chehui-data.json"))
    assert document["tickets"] == [] and document["files"] == []


def test_an_erased_file_is_left_out(as_user):
    requester = requester_with_phone()
    loaded = ticket_with_data(requester=requester, closed_at=CLOSED)
    type(loaded.evidence).objects.filter(pk=loaded.evidence.pk).update(file="", original_name="")
    _response, archive, _body = download(as_user(requester))
    names = [entry["name"] for entry in json.loads(archive.read("chehui-data.json"))["files"]]
    assert names == ["photo.png"]


def test_only_a_signed_in_requester_may_download(client, as_user):
    stranger = client.post(URL)
    assert stranger.status_code == 302 and "/sign-in/" in stranger["Location"]
    assert as_user(agent_with()).post(URL).status_code == 403
    assert as_user(person(SUPERVISOR)).post(URL).status_code == 403
    assert DataExport.objects.count() == 0


def test_the_download_is_a_post(as_user):
    assert as_user(requester_with_phone()).get(URL).status_code == 405
