"""Reads of requester notices: the portal list, the unread count, a requester's channels."""

from django.db.models import BooleanField, ExpressionWrapper, Q

from apps.accounts.models import User
from apps.notifications.models import NoticePreference, RequesterNotice

NOTICE_LIST_LIMIT = 100


def requester_notices(*, requester: User, limit: int = NOTICE_LIST_LIMIT) -> list[RequesterNotice]:
    """The requester's latest notices, unread first, each with its ticket's number (one query)."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return list(
        RequesterNotice.objects.filter(requester=requester)
        .annotate(unread=unread)
        .select_related("ticket")
        .order_by("-unread", "-created_at", "-id")[:limit]
    )


def unread_notice_count(*, requester: User) -> int:
    """How many of the requester's notices are unread (one query on the partial index)."""
    return RequesterNotice.objects.filter(requester=requester, read_at__isnull=True).count()


def notice_preference_for(*, requester: User) -> NoticePreference:
    """The requester's channels as stored, or the defaults (not saved) when they never chose."""
    found = NoticePreference.objects.filter(requester=requester).first()
    return found or NoticePreference(requester=requester, sms=True, email=bool(requester.email))
