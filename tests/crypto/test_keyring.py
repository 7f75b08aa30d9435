"""The keyring and the keyed hashes, without the database: round trip, rotation, refusals."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from apps.core.crypto.checks import field_keys_check
from apps.core.crypto.hashing import keyed_hash, lookup_hashes
from apps.core.crypto.keyring import DecryptionError, field_decrypt, field_encrypt, key_id, keyring_get

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def test_a_value_round_trips_and_its_ciphertext_names_the_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    stored = field_encrypt("13800138000")
    assert stored.startswith(f"enc1:{key_id(KEY_A)}:")
    assert "13800138000" not in stored and "8000" not in stored.split(":", 2)[1]
    assert field_decrypt(stored) == "13800138000"
    assert field_encrypt("13800138000") != stored  # a fresh IV every time: equal values do not show


def test_rotation_new_key_first_then_the_old_one_dropped(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    under_a = field_encrypt("203.0.113.45")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]  # B encrypts, A still decrypts
    assert field_decrypt(under_a) == "203.0.113.45"
    under_b = field_encrypt(field_decrypt(under_a))
    assert under_b.startswith(keyring_get().primary_prefix()) and key_id(KEY_B) in under_b
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A dropped after the rotation
    assert field_decrypt(under_b) == "203.0.113.45"
    with pytest.raises(DecryptionError, match=f"key '{key_id(KEY_A)}', which is not in CHEHUI_FIELD_KEYS"):
        field_decrypt(under_a)


def test_an_altered_value_is_refused_not_misread(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    stored = field_encrypt("13800138000")
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(DecryptionError, match="damaged or was altered"):
        field_decrypt(tampered)
    with pytest.raises(DecryptionError, match="not an encrypted field value"):
        field_decrypt("13800138000")


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet key"):
        field_encrypt("x")
    assert [error.id for error in field_keys_check()] == ["chehui.crypto.E001"]


def test_production_refuses_to_start_without_keys(settings, monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.production")
    settings.SETTINGS_MODULE = "config.settings.production"
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_HASH_KEY = ""
    assert [error.id for error in field_keys_check()] == ["chehui.crypto.E001", "chehui.crypto.E002"]
    with pytest.raises(ImproperlyConfigured, match="CHEHUI_FIELD_KEYS is required"):
        field_encrypt("13800138000")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    settings.FIELD_HASH_KEY = "a-long-random-hash-key-from-the-vault"
    assert field_keys_check() == []


def test_development_derives_keys_from_the_secret_key(settings):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_HASH_KEY = ""
    assert field_decrypt(field_encrypt("13800138000")) == "13800138000"
    assert field_keys_check() == []


WRITTEN = ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "１３８００１３８０００"]


@pytest.mark.parametrize("written", WRITTEN)
def test_a_number_hashes_the_same_however_it_is_written(written):
    assert keyed_hash("phone", written) == keyed_hash("phone", "13800138000")
    assert keyed_hash("phone_last4", written) == keyed_hash("phone_last4", "8000")


def test_hashes_depend_on_the_key_and_the_purpose(settings):
    settings.FIELD_HASH_KEY = "first-hash-key"
    first = keyed_hash("phone_last4", "8000")
    assert first != keyed_hash("phone", "8000")  # the purpose is part of the message
    settings.FIELD_HASH_KEY, settings.FIELD_HASH_KEY_PREVIOUS = "second-hash-key", "first-hash-key"
    assert lookup_hashes("phone_last4", "8000") == [keyed_hash("phone_last4", "8000"), first]
    assert first not in lookup_hashes("phone_last4", "8001")
