"""The one source of "now" for domain code, so tests can freeze or inject time at the edges."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return timezone.now()
