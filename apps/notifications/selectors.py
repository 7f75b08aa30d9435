"""Reads of requester notices: the portal list, the unread count, a requester's channels."""

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from apps.accounts.models import User
from apps.conversation.models import AuthorRole, Message, MessageKind
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


# The oldest message from customer service the requester has not read, and whether the notice
# named after it exists. Written as SQL because it runs inside every message post's transaction:
# the ORM spent more time composing it (Exists over a key built with Concat and Cast) than
# the database spent answering it, through the partial index message_unread_by_req_idx.
_FIRST_UNREAD_SQL = """
SELECT m.id, m.body,
       EXISTS (SELECT 1 FROM {notices} n WHERE n.dedupe_key = %s || CAST(m.id AS TEXT)) AS told
FROM {messages} m
WHERE m.ticket_id = %s AND m.kind = %s AND m.requester_read_at IS NULL AND m.author_role <> %s
ORDER BY m.id
LIMIT 1
"""


def first_unread_for_requester(*, ticket_id: int, key_prefix: str) -> tuple[int, str, bool] | None:
    """(id, text, told) of the oldest unread message to the requester; told: notice `key_prefix`+id exists."""
    sql = _FIRST_UNREAD_SQL.format(notices=RequesterNotice._meta.db_table, messages=Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_prefix, ticket_id, MessageKind.MESSAGE.value, AuthorRole.REQUESTER.value])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))
