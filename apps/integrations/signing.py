"""Webhook signatures: `Chehui-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`.

Pure: no Django import. While the server's secret key is being rotated a delivery carries one v1
per secret, so a receiver that accepts any matching v1 keeps working across the rotation.
"""

import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "Chehui-Signature"
EVENT_HEADER = "Chehui-Event"
DELIVERY_HEADER = "Chehui-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300


def signature_v1(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of f"{timestamp}.{body}" under the secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    """The header value: the timestamp, then one v1 per secret."""
    parts = [f"t={timestamp}", *(f"v1={signature_v1(secret, timestamp, body)}" for secret in secrets)]
    return ",".join(parts)


def signature_verify(
    *, secret: str, header: str, body: bytes, now: int, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> bool:
    """Whether the header signs this body with this secret, at most `tolerance` seconds ago."""
    timestamp = None
    candidates = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            candidates.append(value)
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = signature_v1(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
