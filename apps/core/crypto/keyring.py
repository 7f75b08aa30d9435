"""Encrypt and decrypt field values under the keyring read from `CHEHUI_FIELD_KEYS`.

A stored value is `enc1:<key id>:<Fernet token>`: the key id (the first 8 hex digits of the
key's SHA-256) says which key decrypts it, so rotation can find the rows still under an old key
without decrypting them. Outside production (DEBUG, or the test settings) an empty keyring falls
back to a key derived from SECRET_KEY; production refuses to run without keys (checks.py).
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
KEY_ID_CHARS = 8
TEST_SETTINGS = "config.settings.test"


class DecryptionError(ValueError):
    """A stored value that no key in the keyring opens: a missing key or a damaged value."""


def key_id(key: str) -> str:
    """The id a ciphertext carries for `key`: reveals nothing usable about the key."""
    return hashlib.sha256(key.encode()).hexdigest()[:KEY_ID_CHARS]


def derived_key(secret: str, purpose: str) -> str:
    """A Fernet key derived from SECRET_KEY, for development and tests only."""
    digest = hashlib.sha256(f"chehui.crypto.{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def development_keys_allowed() -> bool:
    """Derived keys are allowed on a developer's machine (DEBUG) and in the test settings."""
    # The environment, not settings.SETTINGS_MODULE, which override_settings hides (it is None there).
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get("DJANGO_SETTINGS_MODULE", "")
    return bool(settings.DEBUG) or module == TEST_SETTINGS


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    fernets: dict[str, Fernet]

    def encrypt(self, plaintext: str) -> str:
        token = self.fernets[self.primary_id].encrypt(plaintext.encode()).decode()
        return f"{PREFIX}:{self.primary_id}:{token}"

    def decrypt(self, stored: str) -> str:
        prefix, kid, token = _split(stored)
        fernet = self.fernets.get(kid)
        if prefix != PREFIX or fernet is None:
            raise DecryptionError(
                f"This value was encrypted with key {kid!r}, which is not in CHEHUI_FIELD_KEYS "
                f"(known: {', '.join(self.fernets)}). Add the old key back after the new one."
            )
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise DecryptionError(f"A value under key {kid!r} is damaged or was altered.") from error

    def primary_prefix(self) -> str:
        """What every value encrypted under the first key starts with."""
        return f"{PREFIX}:{self.primary_id}:"


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3:
        raise DecryptionError("This value is not an encrypted field value (no enc1:<key id>: prefix).")
    return parts[0], parts[1], parts[2]


def is_encrypted(stored: str) -> bool:
    return stored.startswith(f"{PREFIX}:")


@lru_cache(maxsize=8)
def _keyring_build(keys: tuple[str, ...]) -> Keyring:
    fernets: dict[str, Fernet] = {}
    for key in keys:
        try:
            fernets[key_id(key)] = Fernet(key.encode())
        except ValueError as error:
            raise ImproperlyConfigured(
                "CHEHUI_FIELD_KEYS: every key must be a Fernet key (32 url-safe base64-encoded bytes); "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from error
    return Keyring(primary_id=key_id(keys[0]), fernets=fernets)


def configured_field_keys() -> tuple[str, ...]:
    """The keys from settings (first encrypts), or the derived development key; else refuse."""
    keys = tuple(k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) if k.strip())
    if keys:
        return keys
    if development_keys_allowed():
        return (derived_key(settings.SECRET_KEY, "field-encryption"),)
    raise ImproperlyConfigured("CHEHUI_FIELD_KEYS is required: personal data is encrypted at rest.")


def keyring_get() -> Keyring:
    """The keyring for the current settings (rebuilt when a test overrides them)."""
    return _keyring_build(configured_field_keys())


def field_encrypt(plaintext: str) -> str:
    return keyring_get().encrypt(plaintext)


def field_decrypt(stored: str) -> str:
    return keyring_get().decrypt(stored)
