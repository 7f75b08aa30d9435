"""API key and webhook secret formats, and their keyed hashes. Pure: no Django import.

An API key reads `chk_live_7KQ2MX9A_<43 url-safe characters>`. The first part, the prefix, is
public: it names the key in the admin, in logs and in the throttle. The rest is 256 random bits,
so a fast keyed hash (HMAC-SHA256 with a pepper derived from the server's secret key) is enough:
a stolen table of hashes cannot be brute-forced, and without the pepper not even tried.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

PREFIX_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone
PREFIX_RANDOM_LENGTH = 8
SECRET_BYTES = 32
KEY_PATTERN = re.compile(r"^(chk_(?:live|test)_[2-9A-HJ-NP-Z]{8})_([A-Za-z0-9_-]{43})$")

API_KEY_PURPOSE = b"chehui.integrations.api-key"
WEBHOOK_SECRET_PURPOSE = b"chehui.integrations.webhook-secret"


def _derived_key(purpose: bytes, server_secret: str) -> bytes:
    """A key for one purpose, so the server secret itself never signs anything a client sees."""
    return hashlib.sha256(purpose + server_secret.encode()).digest()


def key_prefix_new(environment: str) -> str:
    """Return a fresh public prefix such as chk_live_7KQ2MX9A."""
    chars = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_RANDOM_LENGTH))
    return f"chk_{environment}_{chars}"


def key_new(prefix: str) -> str:
    """Return a full key for the prefix: shown to the administrator once, never stored."""
    return f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def key_prefix_of(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    match = KEY_PATTERN.match(key)
    return match.group(1) if match else None


def key_hash(key: str, server_secret: str) -> str:
    """The stored form of a key: hex HMAC-SHA256 with a pepper derived from the server secret."""
    return hmac.new(_derived_key(API_KEY_PURPOSE, server_secret), key.encode(), hashlib.sha256).hexdigest()


def key_matches(key: str, stored_hash: str, server_secrets: Iterable[str]) -> int | None:
    """Index of the server secret (current first, then fallbacks) the key hashes to, or None.

    Every comparison is constant-time, so the answer's timing says nothing about the stored hash.
    """
    found = None
    for index, server_secret in enumerate(server_secrets):
        if hmac.compare_digest(key_hash(key, server_secret), stored_hash) and found is None:
            found = index
    return found


def webhook_secret(salt: str, server_secret: str) -> str:
    """A subscription's signing secret, derived from its random salt; stored nowhere."""
    digest = hmac.new(_derived_key(WEBHOOK_SECRET_PURPOSE, server_secret), salt.encode(), hashlib.sha256)
    return f"whsec_{digest.hexdigest()}"


def webhook_salt_new() -> str:
    return secrets.token_hex(16)
