"""The retention run erases each kind of personal data the day after its period ends, never before,
never on an open ticket, and records counts, never values."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.forms.models import model_to_dict

from apps.accounts.models import SmsChallenge, User
from apps.complaints.models import Complaint
from apps.conversation.models import Attachment, Message
from apps.evidence.models import EvidenceFile
from apps.identity.models import IdentityVerificationAttempt
from apps.outbound.models import OutboundMessage
from apps.privacy import retention
from apps.privacy.models import DataKind, ErasureRun, RetentionPolicy
from apps.privacy.retention import retention_kind_run, retention_run
from apps.privacy.tasks import privacy_retention_run
from apps.tickets.models import Letter, TicketStatus
from tests.privacy.conftest import (
    IP,
    LETTER_BODY,
    MESSAGE_TEXT,
    NOTE_TEXT,
    PHONE,
    agent_with,
    requester_with_phone,
    shanghai,
    sms_code,
    ticket_with_data,
)

pytestmark = pytest.mark.django_db
CLOSED = shanghai("2026-01-10 15:00")
DEFAULT_DAYS = {"identity_attempts": 30, "ip_device": 90, "phone_numbers": 365, "evidence_files": 365,
                "letters_messages": 1095}


def policy(kind: str) -> RetentionPolicy:
    return RetentionPolicy.objects.get(kind=kind)


def run(kind: str, at):
    return retention_kind_run(policy=policy(kind), now=at)


def test_the_defaults_are_seeded_with_their_reasons():
    rows = {row.kind: row for row in RetentionPolicy.objects.all()}
    assert {kind: row.days for kind, row in rows.items()} == DEFAULT_DAYS
    assert all(row.reason for row in rows.values())


def _erased(kind: str, loaded) -> bool:
    if kind == DataKind.IDENTITY_ATTEMPTS:
        attempt = IdentityVerificationAttempt.objects.get(pk=loaded.attempt.pk)
        return (attempt.provider_reference, attempt.reason, attempt.ip_address) == ("", "", None)
    if kind == DataKind.IP_DEVICE:
        return IdentityVerificationAttempt.objects.get(pk=loaded.attempt.pk).ip_address is None
    if kind == DataKind.PHONE_NUMBERS:
        return (User.objects.get(pk=loaded.ticket.requester_id).phone is None
                and OutboundMessage.objects.get(pk=loaded.outbound.pk).recipient == "")
    if kind == DataKind.EVIDENCE_FILES:
        evidence = EvidenceFile.objects.get(pk=loaded.evidence.pk)
        return (evidence.file.name == "" and evidence.original_name == ""
                and not (settings.PRIVATE_MEDIA_ROOT / loaded.evidence.file.name).exists()
                and Attachment.objects.get(pk=loaded.attachment.pk).file.name == "")
    letter = Letter.objects.get(ticket=loaded.ticket)
    return (letter.body == "" and Message.objects.get(pk=loaded.message.pk).body == ""
            and Message.objects.get(pk=loaded.note.pk).body == ""
            and Complaint.objects.get(pk=loaded.ticket.complaint_id).complainant_name == "")


@pytest.mark.parametrize("kind", DataKind.values)
def test_each_kind_is_kept_to_the_day_before_and_erased_the_day_after(kind):
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    days = DEFAULT_DAYS[kind]

    before = run(kind, CLOSED + timedelta(days=days - 1))
    assert before.rows_affected == 0 and not _erased(kind, loaded)

    after = run(kind, CLOSED + timedelta(days=days + 1))
    assert after.rows_affected > 0 and _erased(kind, loaded)
    assert after.tickets == 1 and after.kind == kind


def test_the_period_ends_on_the_minute_it_says():
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    run("identity_attempts", CLOSED + timedelta(days=30) - timedelta(minutes=1))
    assert not _erased("identity_attempts", loaded)
    run("identity_attempts", CLOSED + timedelta(days=30))
    assert _erased("identity_attempts", loaded)


def test_kinds_are_independent_the_letter_outlives_the_identity_check():
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    retention_run(now=CLOSED + timedelta(days=31))
    assert _erased("identity_attempts", loaded)
    assert Letter.objects.get(ticket=loaded.ticket).body == LETTER_BODY
    assert User.objects.get(pk=loaded.ticket.requester_id).phone == PHONE


OPEN = [TicketStatus.RECEIVED, TicketStatus.ASSIGNED, TicketStatus.WAITING_ON_REQUESTER]


@pytest.mark.parametrize("status", OPEN)
def test_an_open_ticket_keeps_everything_however_old(status):
    kwargs = {"agent": agent_with()} if status == TicketStatus.ASSIGNED else {}
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED, status=status, **kwargs)
    runs = retention_run(now=CLOSED + timedelta(days=5000))
    assert sum(r.rows_affected for r in runs if r.kind != DataKind.IP_DEVICE) == 0
    assert not any(_erased(kind, loaded) for kind in DataKind.values)
    assert IdentityVerificationAttempt.objects.get(pk=loaded.attempt.pk).ip_address == IP


def test_a_ticket_reopened_after_it_was_picked_is_left_alone(monkeypatch):
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    picked = retention.tickets_still_closed

    def reopened_meanwhile(ids):
        type(loaded.ticket).objects.filter(pk=loaded.ticket.pk).update(status=TicketStatus.ASSIGNED,
                                                                       assignee=User.objects.first())
        return picked(ids)

    monkeypatch.setattr(retention, "tickets_still_closed", reopened_meanwhile)
    assert run("letters_messages", CLOSED + timedelta(days=2000)).rows_affected == 0
    assert Letter.objects.get(ticket=loaded.ticket).body == LETTER_BODY


def test_the_phone_stays_while_the_requester_has_an_open_ticket():
    requester = requester_with_phone()
    ticket_with_data(requester=requester, closed_at=CLOSED)
    ticket_with_data(requester=requester, closed_at=CLOSED, status=TicketStatus.RECEIVED)
    run("phone_numbers", CLOSED + timedelta(days=400))
    assert User.objects.get(pk=requester.pk).phone == PHONE


def test_the_phone_stays_while_another_ticket_closed_more_recently():
    requester = requester_with_phone()
    ticket_with_data(requester=requester, closed_at=CLOSED)
    ticket_with_data(requester=requester, closed_at=CLOSED + timedelta(days=100))
    run("phone_numbers", CLOSED + timedelta(days=400))
    assert User.objects.get(pk=requester.pk).phone == PHONE
    run("phone_numbers", CLOSED + timedelta(days=466))
    erased = User.objects.get(pk=requester.pk)
    assert erased.phone is None
    # The number's lookup hashes (field encryption) go with it: no sign-in finds the old account.
    assert getattr(erased, "phone_hash", None) is None and getattr(erased, "phone_last4_hash", None) is None


def test_the_run_records_counts_and_never_a_value():
    loaded = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    runs = retention_run(now=CLOSED + timedelta(days=2000))
    recorded = json.dumps([model_to_dict(r) for r in ErasureRun.objects.all()], cls=DjangoJSONEncoder,
                          ensure_ascii=False)
    for value in (PHONE, IP, LETTER_BODY, MESSAGE_TEXT, NOTE_TEXT, "receipt.pdf", "prov-778", "张伟",
                  loaded.ticket.reference):
        assert value not in recorded
    by_kind = {r.kind: r for r in runs}
    assert by_kind["letters_messages"].tables == {
        "letters": 1, "messages": 2, "outbound messages": 1, "complaints": 1,
    }
    assert by_kind["evidence_files"].tables == {"evidence files": 1, "message attachments": 1}
    assert by_kind["identity_attempts"].rows_affected == 1


def test_a_second_run_changes_nothing_and_the_next_closing_is_picked_up_later():
    first = ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    assert run("letters_messages", CLOSED + timedelta(days=1096)).rows_affected == 5
    assert run("letters_messages", CLOSED + timedelta(days=1097)).rows_affected == 0
    assert policy("letters_messages").done_through == CLOSED + timedelta(days=1097 - 1095)
    later = ticket_with_data(requester=requester_with_phone("13700000000"),
                             closed_at=CLOSED + timedelta(days=3))
    assert run("letters_messages", CLOSED + timedelta(days=1099)).rows_affected == 5  # the later one's only
    assert _erased("letters_messages", later) and _erased("letters_messages", first)


def test_batches_cover_every_due_ticket():
    tickets = [ticket_with_data(requester=requester_with_phone(f"1370000000{n}"), closed_at=CLOSED
                                + timedelta(minutes=n)) for n in range(5)]
    result = retention_kind_run(policy=policy("identity_attempts"), now=CLOSED + timedelta(days=31), batch=2)
    assert result.tickets == 5 and result.rows_affected == 5
    assert all(_erased("identity_attempts", loaded) for loaded in tickets)


def test_sign_in_codes_go_after_the_ip_period():
    old = sms_code(phone=PHONE, at=CLOSED)
    young = sms_code(phone=PHONE, at=CLOSED + timedelta(days=2))
    result = run("ip_device", CLOSED + timedelta(days=91))
    assert result.tables == {"sign-in codes": 1}
    assert list(SmsChallenge.objects.values_list("pk", flat=True)) == [young.pk]
    assert not SmsChallenge.objects.filter(pk=old.pk).exists()


def test_the_daily_task_runs_every_kind(now):
    now(CLOSED + timedelta(days=2000))
    ticket_with_data(requester=requester_with_phone(), closed_at=CLOSED)
    assert privacy_retention_run() > 0
    assert set(ErasureRun.objects.values_list("kind", flat=True)) == set(DataKind.values)


def test_the_due_tickets_are_read_from_the_closed_index():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + retention._DUE_SQL,
                       {"after": CLOSED, "after_id": 0, "cutoff": CLOSED, "limit": 500})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "privacy_ticket_closed_idx" in plan


def test_the_index_covers_the_closed_statuses_the_code_uses():
    from apps.privacy.migrations import __path__ as migrations_path

    text = Path(migrations_path[0], "0002_ticket_closed_index.py").read_text()
    assert retention.CLOSED_AT_SQL in " ".join(text.split())
    for status in retention.CLOSED_STATUSES:
        assert f"'{status}'" in text


def test_beat_runs_it_daily_at_night_beijing_time():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="privacy.retention_run")
    assert task.enabled and task.crontab is not None
    schedule = task.crontab
    assert (schedule.hour, schedule.minute, str(schedule.timezone)) == ("3", "30", "Asia/Shanghai")
