"""The supervisors' report of personal-data reveals: who saw which field of which ticket, when and why.

It reads the ticket events `personal_data_reveal` records (append-only): no second log to keep in
step. Dates are read and shown in Asia/Shanghai; the query compares in UTC.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.accounts.roles import SUPERVISOR
from apps.casework.services import PersonalDataField, RevealPurpose
from apps.core.converters import id_from_text
from apps.tickets.models import EventKind, TicketEvent

PAGE_SIZE = 50
CSV_CHUNK = 2000
# A spreadsheet reads a cell starting with one of these as a formula: the export quotes it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RevealFilter:
    start: date | None = None
    end: date | None = None  # inclusive
    agent_id: int | None = None


@dataclass(frozen=True)
class RevealRow:
    at: datetime
    who: str
    reference: str
    field: str
    purpose: str
    reason: str


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
    return RevealFilter(start=start, end=end, agent_id=agent_id), errors


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


def _label(choices: type[PersonalDataField] | type[RevealPurpose], value: str) -> str:
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
           gettext("Reason")]
    for event in reveals_query(chosen=chosen).iterator(chunk_size=CSV_CHUNK):
        row = reveal_row(event)
        yield [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            *(_cell(value) for value in (row.who, row.reference, row.field, row.purpose, row.reason)),
        ]
