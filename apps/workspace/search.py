"""Search over every ticket the viewer may see, whatever its status or tab.

What a term finds: the ticket number, the complaint number, the respondent (in the complaint and in
the letter), the requester's name, the last four digits of the requester's phone (a term of four
digits), and the text of the letter (its reason too) and of the thread's messages, Chinese or English.
The phone number is encrypted at rest: its last four digits are matched exactly by their keyed hash
(`User.phone_last4_hash`, a b-tree index), not inside the text.

How: each source is one `LIKE '%term%'` (case-insensitive) on its own table, served on PostgreSQL
by a pg_trgm GIN index (migration workspace 0002), whose trigrams cover Chinese as well as Latin
text; the ticket ids they give are united and the newest 2,000 read in one query, then the
viewer's scope and filters pick the page among them (a keyset on the id, newest first). On SQLite
(the embedded default) the same SQL runs without the indexes. A term shorter than three
characters gives no trigram to look up, so it is matched whole (numbers, names) and not inside
the texts.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.complaints.models import Complaint
from apps.conversation.models import Message
from apps.core.crypto.hashing import lookup_hashes
from apps.tickets.models import Letter, WithdrawalTicket
from apps.tickets.selectors import ticket_scope_q

MIN_INSIDE_TEXT = 3  # pg_trgm needs three characters to find a term inside a text
MAX_TERM = 64


def like_pattern(term: str) -> str:
    """`term` anywhere in a text, its own % and _ taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sources(term: str) -> list[QuerySet]:
    """One query per place a term may be found, each answering ticket ids."""
    pattern = like_pattern(term)
    inside = len(term) >= MIN_INSIDE_TEXT
    match = "icontains_escaped" if inside else "exact"
    value = pattern if inside else term
    sources: list[QuerySet] = [
        WithdrawalTicket.objects.filter(**{f"reference__{match}": value}).values("id"),
        WithdrawalTicket.objects.filter(
            complaint__in=Complaint.objects.filter(
                Q(**{f"number__{match}": value}) | Q(**{f"respondent__{match}": value})
            ).values("id")
        ).values("id"),
        WithdrawalTicket.objects.filter(
            requester__in=User.objects.filter(_person_q(term, match, value)).values("id")
        ).values("id"),
    ]
    if inside:
        sources.append(
            Letter.objects.filter(
                Q(body__icontains_escaped=pattern) | Q(reason__icontains_escaped=pattern)
                | Q(respondent__icontains_escaped=pattern)
            ).values("ticket_id")
        )
        sources.append(Message.objects.filter(body__icontains_escaped=pattern).values("ticket_id"))
    return sources


def _person_q(term: str, match: str, value: str) -> Q:
    names = Q(**{f"display_name__{match}": value})
    if term.isdigit() and len(term) == 4:  # the last four digits of a phone number
        names |= Q(phone_last4_hash__in=lookup_hashes("phone_last4", term))
    return names


CANDIDATES = 2000  # newest matching tickets read per page, before the viewer's scope is applied


def _union_sql(sources: Sequence[QuerySet]) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    for source in sources:
        sql, source_params = source.order_by().query.sql_with_params()
        parts.append(sql)
        params.extend(source_params)
    return " UNION ".join(parts), params


def search_candidates(*, term: str, before_id: int | None = None, limit: int = CANDIDATES) -> list[int]:
    """The ids of the newest tickets `term` is found in (any viewer, any status), newest first.

    One query: the sources' ids united, then ordered and cut. Read on their own, so PostgreSQL
    plans the few matches first, instead of walking the tickets' primary key down to meet them.
    """
    term = " ".join(term.split())[:MAX_TERM]
    if not term:
        return []
    union, params = _union_sql(_sources(term))
    where = "WHERE found.id < %s " if before_id is not None else ""
    # Each part is SQL Django compiled from a queryset, its values kept apart as parameters.
    sql = f"SELECT found.id FROM ({union}) AS found(id) {where}ORDER BY found.id DESC LIMIT %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *([before_id] if before_id is not None else []), limit])
        return [int(row[0]) for row in cursor.fetchall()]


def ticket_search(
    *, user: User, term: str, before_id: int | None = None, limit: int = CANDIDATES
) -> tuple[QuerySet[WithdrawalTicket], list[int]]:
    """The tickets `user` may see among the newest `limit` in which `term` is found, and those
    candidates' ids (the caller pages on them); the queryset is unordered."""
    scope = ticket_scope_q(user=user)
    if scope is None:
        return WithdrawalTicket.objects.none(), []
    candidates = search_candidates(term=term, before_id=before_id, limit=limit)
    found = WithdrawalTicket.objects.filter(scope, pk__in=candidates).exclude(status="draft")
    return found, candidates
