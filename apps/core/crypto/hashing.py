"""Keyed hashes (HMAC-SHA256 under `CHEHUI_HASH_KEY`) of normalised values, for lookups.

Each purpose normalises its value first (a phone written with +86 or spaces hashes like the
bare 11 digits) and is mixed into the message, so the hash of a phone's last four digits never
equals the hash of some other value "1234". During a hash key change, `CHEHUI_HASH_KEY_PREVIOUS`
keeps lookups finding the rows not yet rehashed: `lookup_hashes` gives both.
"""

import hashlib
import hmac
import ipaddress
import re
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.crypto.keyring import development_keys_allowed

_SEPARATORS = re.compile(r"[\s\-()]")


def phone_for_hash(value: str) -> str:
    """A phone number as bare digits: NFKC, no separators, no +86 / 0086 country prefix."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact.removeprefix(prefix)
    return compact


def phone_last4_for_hash(value: str) -> str:
    """The last four characters of the normalised number (a 4-digit search term is itself)."""
    return phone_for_hash(value)[-4:]


def ip_for_hash(value: str) -> str:
    """An IP address in its canonical text form (IPv4-mapped IPv6 as IPv4)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return value.strip()
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": phone_for_hash,
    "phone_last4": phone_last4_for_hash,
    "ip": ip_for_hash,
}


def _key_bytes(key: str) -> bytes:
    return key.encode()


def current_hash_key() -> str:
    key = str(getattr(settings, "FIELD_HASH_KEY", "") or "")
    if key:
        return key
    if development_keys_allowed():
        return f"chehui.crypto.hash-key:{settings.SECRET_KEY}"
    raise ImproperlyConfigured("CHEHUI_HASH_KEY is required: lookups of encrypted personal data use it.")


def _hash(key: str, purpose: str, value: str) -> str:
    normalised = NORMALISERS[purpose](value)
    return hmac.new(_key_bytes(key), f"{purpose}\x00{normalised}".encode(), hashlib.sha256).hexdigest()


def keyed_hash(purpose: str, value: str) -> str:
    """The hash stored for `value` under the current key."""
    return _hash(current_hash_key(), purpose, value)


def lookup_hashes(purpose: str, value: str) -> list[str]:
    """The hashes a stored row for `value` may carry: under the current key, and the previous one."""
    hashes = [keyed_hash(purpose, value)]
    previous = str(getattr(settings, "FIELD_HASH_KEY_PREVIOUS", "") or "")
    if previous:
        hashes.append(_hash(previous, purpose, value))
    return hashes
