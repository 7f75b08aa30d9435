"""System check: refuse to start without the encryption and hash keys outside development."""

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from apps.core.crypto.hashing import current_hash_key
from apps.core.crypto.keyring import configured_field_keys, keyring_get


@checks.register(checks.Tags.security)
def field_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Error when CHEHUI_FIELD_KEYS or CHEHUI_HASH_KEY is missing or malformed where it is required."""
    errors: list[checks.CheckMessage] = []
    try:
        configured_field_keys()
        keyring_get()
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="chehui.crypto.E001",
                                   hint="Set CHEHUI_FIELD_KEYS; see docs/privacy-encryption.md."))
    try:
        current_hash_key()
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="chehui.crypto.E002",
                                   hint="Set CHEHUI_HASH_KEY; see docs/privacy-encryption.md."))
    return errors
