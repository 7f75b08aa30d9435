"""Mask personal data for display: show enough to recognise a value, not enough to use it.

Pure functions with no Django import, so list views, inlines and exports mask the same way.
"""

import ipaddress

MASK = "*"
FULLY_MASKED = "***"


def _keep_ends(value: str, *, head: int, tail: int) -> str:
    """Keep the first `head` and last `tail` characters; mask everything if that would show it all."""
    hidden = len(value) - head - tail
    if hidden <= 0:
        return MASK * len(value)
    return f"{value[:head]}{MASK * hidden}{value[len(value) - tail:]}"


def mask_ip(value: str | None) -> str:
    """Mask an IP address: 203.0.113.45 -> 203.0.113.*, IPv6 keeps its first four groups (the network)."""
    if not value:
        return ""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return FULLY_MASKED
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv4Address):
        return ".".join([*str(address).split(".")[:3], MASK])
    network_groups = [group.lstrip("0") or "0" for group in address.exploded.split(":")[:4]]
    return ":".join([*network_groups, *[MASK] * 4])


def mask_phone(value: str | None) -> str:
    """Mask a mobile number: 13800138000 -> 138****8000; a +86 prefix stays readable."""
    if not value:
        return ""
    number = "".join(value.split()).replace("-", "")
    prefix = ""
    if number.startswith("+86"):
        prefix, number = "+86 ", number[3:]
    return prefix + _keep_ends(number, head=3, tail=4)


def mask_identity_number(value: str | None) -> str:
    """Mask an identity document number, keeping its first 3 and last 4 characters."""
    if not value:
        return ""
    return _keep_ends("".join(value.split()), head=3, tail=4)
