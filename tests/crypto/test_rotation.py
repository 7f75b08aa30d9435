"""`rotate_field_keys`: every encrypted column moves to the first key; `--rehash` moves the hashes."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import User
from apps.accounts.services import requester_get_or_create
from apps.core.crypto.keyring import key_id
from apps.core.crypto.rotation import field_hashes_recompute, field_keys_rotate
from apps.identity.models import IdentityVerificationAttempt
from tests.factories import RequesterFactory, TicketFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def key_ids(table: str, column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')  # noqa: S608
        return {value.split(":")[1] for (value,) in cursor.fetchall()}


def test_rotate_to_a_new_key_then_drop_the_old_one(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    requesters = [RequesterFactory(phone=f"1390000{n:04d}") for n in range(7)]
    attempt = IdentityVerificationAttempt.objects.create(
        ticket=TicketFactory(requester=requesters[0]), method="face_recognition", provider="dev",
        outcome="passed", ip_address="2001:db8::1",
    )
    assert key_ids("accounts_user", "phone") == {key_id(KEY_A)}

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    counts = field_keys_rotate(batch_size=3)  # three batches for the users
    assert counts["accounts.User.phone"] == 7
    assert counts["identity.IdentityVerificationAttempt.ip_address"] == 1
    assert key_ids("accounts_user", "phone") == {key_id(KEY_B)}
    assert key_ids("identity_identityverificationattempt", "ip_address") == {key_id(KEY_B)}
    assert field_keys_rotate()["accounts.User.phone"] == 0  # nothing left under A

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A is gone: everything still reads
    assert sorted(User.objects.exclude(phone=None).values_list("phone", flat=True)) == [
        f"1390000{n:04d}" for n in range(7)
    ]
    assert IdentityVerificationAttempt.objects.get(pk=attempt.pk).ip_address == "2001:db8::1"


def test_the_command_reports_counts_and_rehashes_with_the_previous_key_kept_meanwhile(settings):
    settings.FIELD_HASH_KEY = "old-hash-key"
    requester = RequesterFactory(phone="13800138000")

    settings.FIELD_HASH_KEY, settings.FIELD_HASH_KEY_PREVIOUS = "new-hash-key", "old-hash-key"
    # Before the rehash, sign-in still finds the requester through the previous key.
    assert requester_get_or_create(phone="13800138000").pk == requester.pk
    out = StringIO()
    call_command("rotate_field_keys", "--rehash", "--batch-size", "2", stdout=out)
    assert "re-encrypted accounts.User.phone: 0" in out.getvalue()
    assert "rehashed accounts.User.phone_hash: " in out.getvalue()

    settings.FIELD_HASH_KEY_PREVIOUS = ""  # the old hash key is gone
    assert requester_get_or_create(phone="13800138000").pk == requester.pk
    assert User.objects.filter(phone_hash__isnull=False).count() == User.objects.exclude(phone=None).count()


def test_a_rehash_counts_every_hashed_row():
    RequesterFactory(phone="13800138000")
    counts = field_hashes_recompute()
    assert counts["accounts.User.phone_hash"] == User.objects.count()
    assert counts["accounts.User.phone_last4_hash"] == User.objects.count()
