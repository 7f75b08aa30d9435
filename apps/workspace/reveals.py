"""The supervisors' report of access to personal data: reveals, requesters' exports, erasure decisions.

Reveals are the ticket events `personal_data_reveal` records (append-only); exports and erasure
decisions are the privacy app's rows. One UNION query reads the three, so a page costs the same
whatever the mix. Dates are read and shown in Asia/Shanghai; the query compares in UTC.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import SUPERVISOR
from apps.casework.services import PersonalDataField, RevealPurpose
from apps.core.converters import id_from_text
from apps.privacy.models import DataExport, ErasureRequest, ErasureStatus
from apps.tickets.models import EventKind, TicketEvent, WithdrawalTicket

PAGE_SIZE = 50
CSV_CHUNK = 2000
# A spreadsheet reads a cell starting with one of these as a formula: the export quotes it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AccessKind:
    REVEAL = "reveal"
    EXPORT = "export"
    ERASURE = "erasure"
    ALL = (REVEAL, EXPORT, ERASURE)


ACCESS_KIND_LABELS = {
    AccessKind.REVEAL: _("reveal"),
    AccessKind.EXPORT: _("requester's download of their data"),
    AccessKind.ERASURE: _("erasure decision"),
}


@dataclass(frozen=True)
class RevealFilter:
    start: date | None = None
    end: date | None = None  # inclusive
    agent_id: int | None = None
    what: str = ""  # one of AccessKind.ALL, or "" for every kind


@dataclass(frozen=True)
class RevealRow:
    at: datetime
    who: str
    reference: str
    field: str
    purpose: str
    reason: str
    what: str = AccessKind.REVEAL
    size: int | None = None

    @property
    def what_label(self) -> str:
        return str(ACCESS_KIND_LABELS.get(self.what, self.what))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def reveal_filter_parse(params: QueryDict) -> tuple[RevealFilter, dict[str, str]]:
    """The report's filter from the query string, and a message per field that could not be read."""
    errors: dict[str, str] = {}
    bounds: dict[str, date | None] = {}
    for key in ("from", "to"):
        try:
            bounds[key] = _date(params.get(key, "").strip())
        except ValueError:
            bounds[key] = None
            errors[key] = gettext("Enter a date as YYYY-MM-DD.")
    start, end = bounds["from"], bounds["to"]
    if start and end and end < start:
        errors["to"] = gettext("The end date is before the start date.")
        end = None
    agent = params.get("agent", "").strip()
    agent_id = id_from_text(agent) if agent else None
    if agent and agent_id is None:
        errors["agent"] = gettext("Choose an agent from the list.")
    what = params.get("what", "").strip()
    if what and what not in AccessKind.ALL:
        errors["what"] = gettext("Choose a kind of access from the list.")
        what = ""
    return RevealFilter(start=start, end=end, agent_id=agent_id, what=what), errors


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def reveals_query(*, chosen: RevealFilter) -> QuerySet[TicketEvent]:
    """The reveals the filter keeps, newest first, with their person and ticket in the same query."""
    events = (
        TicketEvent.objects.filter(kind=EventKind.PERSONAL_DATA_REVEALED)
        .select_related("actor", "ticket")
        .only(
            "occurred_at", "data", "to_value", "actor_label", "ticket__reference",
            "actor__username", "actor__display_name", "actor__first_name", "actor__last_name",
        )
        .order_by("-occurred_at", "-id")
    )
    if chosen.start is not None:
        events = events.filter(occurred_at__gte=_local_midnight(chosen.start))
    if chosen.end is not None:
        events = events.filter(occurred_at__lt=_local_midnight(chosen.end + timedelta(days=1)))
    if chosen.agent_id is not None:
        events = events.filter(actor_id=chosen.agent_id)
    return events


def _part_where(column: str, actor: str, chosen: RevealFilter, params: dict[str, Any]) -> str:
    conditions = []
    if chosen.start is not None:
        params["start"] = _local_midnight(chosen.start)
        conditions.append(f"{column} >= %(start)s")
    if chosen.end is not None:
        params["end"] = _local_midnight(chosen.end + timedelta(days=1))
        conditions.append(f"{column} < %(end)s")
    if chosen.agent_id is not None:
        params["agent"] = chosen.agent_id
        conditions.append(f"{actor} = %(agent)s")
    return "".join(f" AND {condition}" for condition in conditions)


def _access_sql(chosen: RevealFilter) -> tuple[str, dict[str, Any]]:
    """The UNION of the kinds the filter keeps, as (at, what, id, actor_id, label, reference, field,
    purpose, reason, size)."""
    params: dict[str, Any] = {"reveal": EventKind.PERSONAL_DATA_REVEALED.value}
    event, ticket = TicketEvent._meta.db_table, WithdrawalTicket._meta.db_table
    export, erasure = DataExport._meta.db_table, ErasureRequest._meta.db_table
    through = ErasureRequest.tickets.through._meta.db_table
    parts = []
    if chosen.what in ("", AccessKind.REVEAL):
        parts.append(f"""
            SELECT e.occurred_at AS at, '{AccessKind.REVEAL}' AS what, e.id, e.actor_id,
                   e.actor_label AS label,
                   t.reference, COALESCE(e.data->>'field', e.to_value) AS field,
                   COALESCE(e.data->>'purpose', '') AS purpose, COALESCE(e.data->>'reason', '') AS reason,
                   NULL::bigint AS size
            FROM {event} AS e JOIN {ticket} AS t ON t.id = e.ticket_id
            WHERE e.kind = %(reveal)s{_part_where("e.occurred_at", "e.actor_id", chosen, params)}""")  # noqa: S608
    if chosen.what in ("", AccessKind.EXPORT):
        parts.append(f"""
            SELECT x.created_at AS at, '{AccessKind.EXPORT}' AS what, x.id, x.requester_id AS actor_id,
                   '' AS label, '' AS reference, '' AS field, '' AS purpose, '' AS reason,
                   x.size_bytes AS size
            FROM {export} AS x
            WHERE TRUE{_part_where("x.created_at", "x.requester_id", chosen, params)}""")  # noqa: S608
    if chosen.what in ("", AccessKind.ERASURE):
        parts.append(f"""
            SELECT r.decided_at AS at, '{AccessKind.ERASURE}' AS what, r.id, r.decided_by_id AS actor_id,
                   '' AS label,
                   (SELECT string_agg(t.reference, ', ' ORDER BY t.reference)
                    FROM {through} AS rt JOIN {ticket} AS t ON t.id = rt.withdrawalticket_id
                    WHERE rt.erasurerequest_id = r.id) AS reference,
                   r.status AS field, '' AS purpose, r.reason, NULL::bigint AS size
            FROM {erasure} AS r
            WHERE r.decided_at IS NOT NULL{_part_where("r.decided_at", "r.decided_by_id", chosen, params)}
        """)  # noqa: S608
    return " UNION ALL ".join(parts), params


def _who(row: Sequence[Any]) -> str:
    display_name, first_name, last_name, username, label = row
    if username is None:
        return str(label)
    return display_name or f"{first_name} {last_name}".strip() or username


def _field_label(what: str, field: str) -> str:
    if what == AccessKind.REVEAL:
        return _label(PersonalDataField, field)
    if what == AccessKind.ERASURE:
        return _label(ErasureStatus, field)
    return gettext("all their personal data")


class AccessLog:
    """The report's rows for the paginator: `count()` and slices, each one query."""

    def __init__(self, chosen: RevealFilter) -> None:
        self.sql, self.params = _access_sql(chosen)

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({self.sql}) AS access", self.params)  # noqa: S608
            return int(cursor.fetchone()[0])

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[RevealRow]:
        return iter(self.rows())

    def rows(self, *, offset: int = 0, limit: int | None = None) -> list[RevealRow]:
        user = User._meta.db_table
        sql = f"""
            SELECT a.at, a.what, a.reference, a.field, a.purpose, a.reason, a.size,
                   u.display_name, u.first_name, u.last_name, u.username, a.label
            FROM ({self.sql}) AS a LEFT JOIN {user} AS u ON u.id = a.actor_id
            ORDER BY a.at DESC, a.what, a.id DESC
            {"LIMIT %(limit)s" if limit is not None else ""} OFFSET %(offset)s"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, "limit": limit, "offset": offset})
            return [
                RevealRow(
                    at=row[0], what=row[1], who=_who(row[7:]), reference=row[2] or "",
                    field=_field_label(row[1], row[3] or ""),
                    purpose=_label(RevealPurpose, row[4]) if row[4] else "", reason=row[5] or "", size=row[6],
                )
                for row in cursor.fetchall()
            ]

    @overload
    def __getitem__(self, index: int) -> RevealRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[RevealRow]: ...
    def __getitem__(self, index: int | slice) -> RevealRow | list[RevealRow]:
        if isinstance(index, int):
            return self.rows(offset=index, limit=1)[0]
        start = index.start or 0
        return self.rows(offset=start, limit=None if index.stop is None else index.stop - start)


def access_log(*, chosen: RevealFilter) -> AccessLog:
    """Reveals, exports and erasure decisions the filter keeps, newest first."""
    return AccessLog(chosen)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def reveal_row(event: TicketEvent) -> RevealRow:
    data = event.data or {}
    return RevealRow(
        at=event.occurred_at,
        who=str(event.actor) if event.actor is not None else event.actor_label,
        reference=event.ticket.reference,
        field=_label(PersonalDataField, str(data.get("field") or event.to_value)),
        # Reveals recorded before purposes were asked for have only the written reason.
        purpose=_label(RevealPurpose, str(data.get("purpose", ""))),
        reason=str(data.get("reason", "")),
    )


def reveal_agents() -> list[User]:
    """The people the report can be narrowed to: active staff who work tickets."""
    staff = Q(agent_profile__isnull=False) | Q(groups__name=SUPERVISOR)
    return list(User.objects.filter(staff, is_active=True).distinct().order_by("display_name", "username"))


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def reveal_csv_rows(*, chosen: RevealFilter) -> Iterator[list[str]]:
    """The report as CSV rows, the header first; read in chunks, so a long range streams."""
    yield [gettext("When"), gettext("Who"), gettext("Ticket"), gettext("Field"), gettext("Purpose"),
           gettext("Reason"), gettext("What"), gettext("Size (bytes)")]
    log, offset = access_log(chosen=chosen), 0
    while rows := log.rows(offset=offset, limit=CSV_CHUNK):
        for row in rows:
            yield [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                *(_cell(value) for value in (row.who, row.reference, row.field, row.purpose, row.reason,
                                             row.what_label)),
                "" if row.size is None else str(row.size),
            ]
        offset += len(rows)
