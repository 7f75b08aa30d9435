"""Personal fields are ciphertext in the database, plaintext to the code, and found by keyed hash."""

import logging
import re
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts.models import SmsChallenge, User
from apps.accounts.services import sms_code_send, sms_code_verify
from apps.core.crypto.fields import EncryptedFieldLookupError
from apps.core.crypto.hashing import keyed_hash
from apps.identity.models import IdentityVerificationAttempt
from apps.workspace.search import ticket_search
from tests.factories import RequesterFactory, TicketFactory, UserFactory
from tests.workspace.conftest import agent_with, received_ticket

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
IP = "203.0.113.45"
T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608 (names are ours)
        return cursor.fetchone()[0]


def test_the_database_holds_no_plaintext_number_or_address():
    requester = RequesterFactory(phone=PHONE)
    challenge = sms_code_send(phone=PHONE, ip_address=IP, now=T0)
    attempt = IdentityVerificationAttempt.objects.create(
        ticket=TicketFactory(requester=requester), user=requester, method="face_recognition",
        provider="dev", outcome="passed", ip_address=IP,
    )
    stored = [
        raw("accounts_user", "phone", requester.pk),
        raw("accounts_smschallenge", "phone", challenge.pk),
        raw("accounts_smschallenge", "ip_address", challenge.pk),
        raw("identity_identityverificationattempt", "ip_address", attempt.pk),
    ]
    for value in stored:
        assert value is not None and value.startswith("enc1:")
        assert PHONE not in value and "5678" not in value and IP not in value
    hashes = (raw("accounts_user", column, requester.pk) for column in ("phone_hash", "phone_last4_hash"))
    assert tuple(hashes) == (keyed_hash("phone", PHONE), keyed_hash("phone_last4", "5678"))
    # ...and the code reads them back as they were written.
    assert User.objects.get(pk=requester.pk).phone == PHONE
    assert (SmsChallenge.objects.values_list("phone", "ip_address").get(pk=challenge.pk)) == (PHONE, IP)
    assert IdentityVerificationAttempt.objects.get(pk=attempt.pk).ip_address == IP


def test_a_lookup_on_an_encrypted_field_says_what_to_use_instead():
    RequesterFactory(phone=PHONE)
    with pytest.raises(EncryptedFieldLookupError, match=r"User\.phone is encrypted .*Filter on phone_hash"):
        User.objects.filter(phone=PHONE).exists()
    with pytest.raises(EncryptedFieldLookupError, match="“endswith”"):
        User.objects.filter(phone__endswith="5678").exists()
    with pytest.raises(EncryptedFieldLookupError, match=r"IdentityVerificationAttempt\.ip_address"):
        IdentityVerificationAttempt.objects.filter(ip_address=IP).exists()
    # Empty or not may still be asked: NULL is stored as NULL.
    assert User.objects.filter(phone__isnull=False).count() == 1
    assert User.objects.filter(phone=None).count() == User.objects.filter(phone__isnull=True).count()


def test_saving_only_the_number_updates_its_hashes_too():
    requester = RequesterFactory(phone=PHONE)
    requester.phone = "13800138000"
    requester.save(update_fields=["phone"])
    requester.refresh_from_db()
    assert requester.phone_hash == keyed_hash("phone", "13800138000")
    assert requester.phone_last4_hash == keyed_hash("phone_last4", "8000")
    requester.phone = None
    requester.save(update_fields=["phone"])
    assert User.objects.filter(pk=requester.pk, phone_hash=None, phone_last4_hash=None).exists()


def test_a_number_another_user_has_is_refused_by_validation():
    RequesterFactory(phone=PHONE)
    other = UserFactory.build(username="someone", phone="+86 139 1234 5678")
    with pytest.raises(ValidationError) as refused:
        other.validate_unique()
    assert list(refused.value.message_dict) == ["phone"]
    other.phone = "13800138000"
    other.validate_unique()


def test_sign_in_by_number_finds_the_existing_requester(django_capture_on_commit_callbacks, caplog):
    requester = RequesterFactory(phone=PHONE)
    with (
        caplog.at_level(logging.WARNING, logger="chehui.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sms_code_send(phone="+86 139-1234-5678", ip_address=IP, now=T0)
    code = re.search(r"(\d{6})$", caplog.records[-1].getMessage()).group(1)
    assert sms_code_verify(phone=PHONE, code=code, now=T0).pk == requester.pk
    assert User.objects.filter(phone_hash=keyed_hash("phone", PHONE)).count() == 1


def test_workspace_search_by_the_last_four_digits_still_finds_the_ticket():
    agent = agent_with(platforms=("wechat",))
    ticket = received_ticket(requester=RequesterFactory(phone=PHONE))
    other = received_ticket(requester=RequesterFactory(phone="13900005679"))
    tickets, _candidates = ticket_search(user=agent, term="5678")
    assert set(tickets.values_list("pk", flat=True)) == {ticket.pk}
    assert other.pk not in set(ticket_search(user=agent, term="1234")[0].values_list("pk", flat=True))


def test_erasing_numbers_in_bulk_erases_their_hashes_too():
    """The privacy erasure's `update(phone=None)`: the number must not stay findable by its hash."""
    erased, kept = RequesterFactory(phone=PHONE), RequesterFactory(phone="13800138000")
    assert User.objects.filter(pk=erased.pk).update(phone=None) == 1
    assert User.objects.filter(pk=erased.pk, phone_hash=None, phone_last4_hash=None).exists()
    kept.phone = "13700001111"
    User.objects.bulk_update([kept], ["phone"])
    kept.refresh_from_db()
    assert (kept.phone, kept.phone_hash) == ("13700001111", keyed_hash("phone", "13700001111"))
