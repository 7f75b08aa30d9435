"""The supervisors' personal-data access report lists reveals, requesters' downloads and erasure decisions."""

import csv
import io

import pytest

from apps.accounts.roles import SUPERVISOR
from apps.privacy.models import DataExport, ErasureRequest, ErasureStatus
from apps.tickets.events import event_record
from apps.tickets.models import EventKind
from tests.privacy.conftest import agent_with, person, requester_with_phone, shanghai, ticket_with_data

pytestmark = pytest.mark.django_db
URL = "/workspace/reveals/"


@pytest.fixture
def history():
    agent = agent_with()
    agent.display_name = "Zhao Lei"
    agent.save(update_fields=["display_name"])
    requester = requester_with_phone()
    requester.display_name = "Li Na"
    requester.save(update_fields=["display_name"])
    supervisor = person(SUPERVISOR, display_name="Lead Wang")
    loaded = ticket_with_data(requester=requester, closed_at=shanghai("2026-11-01 09:00"))
    event_record(ticket=loaded.ticket, kind=EventKind.PERSONAL_DATA_REVEALED, actor=agent,
                 to_value="requester_phone", occurred_at=shanghai("2026-11-20 10:00"),
                 data={"field": "requester_phone", "purpose": "call_back", "reason": "asked for a call"})
    DataExport.objects.create(requester=requester, created_at=shanghai("2026-11-21 11:00"), size_bytes=20480,
                              tickets=1, files=2)
    request = ErasureRequest.objects.create(
        requester=requester, requested_at=shanghai("2026-11-22 08:00"), status=ErasureStatus.REJECTED,
        decided_at=shanghai("2026-11-22 12:00"), decided_by=supervisor, reason="court case pending",
    )
    request.tickets.set([loaded.ticket])
    return {"supervisor": supervisor, "agent": agent, "ticket": loaded.ticket}


def test_the_report_shows_reveals_downloads_and_decisions_newest_first(as_user, history):
    response = as_user(history["supervisor"]).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Personal-data access" in text
    decision, download, reveal = (text.index(marker) for marker in
                                  ('data-what="erasure"', 'data-what="export"', 'data-what="reveal"'))
    assert decision < download < reveal
    assert "Zhao Lei" in text and "asked for a call" in text and history["ticket"].reference in text
    assert "Li Na" in text and "20.0\xa0KB" in text
    assert "Lead Wang" in text and "court case pending" in text
    assert "2026-11-21 11:00" in text


def test_the_report_filters_by_kind_and_dates(as_user, history):
    client = as_user(history["supervisor"])
    only_downloads = client.get(URL, {"what": "export"}).content.decode()
    assert 'data-what="export"' in only_downloads and 'data-what="reveal"' not in only_downloads
    one_day = client.get(URL, {"from": "2026-11-20", "to": "2026-11-20"}).content.decode()
    assert 'data-what="reveal"' in one_day and 'data-what="export"' not in one_day
    by_agent = client.get(URL, {"agent": history["agent"].pk}).content.decode()
    assert 'data-what="reveal"' in by_agent and 'data-what="erasure"' not in by_agent
    bad = client.get(URL, {"what": "gossip"})
    assert bad.status_code == 400 and "Choose a kind of access" in bad.content.decode()


def test_the_csv_has_every_kind(as_user, history):
    response = as_user(history["supervisor"]).get(URL, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["What", "Size (bytes)"]
    assert [row[6] for row in rows[1:]] == [
        "erasure decision", "requester's download of their data", "reveal",
    ]
    assert rows[2][1] == "Li Na" and rows[2][7] == "20480"
    assert rows[1][2] == history["ticket"].reference and rows[1][3] == "rejected"


def test_agents_and_requesters_may_not_read_it(as_user, client, history):
    assert as_user(history["agent"]).get(URL).status_code == 403
    assert as_user(requester_with_phone("13600000000")).get(URL).status_code == 403
    client.logout()
    assert "login" in client.get(URL)["Location"]
