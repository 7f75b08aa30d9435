"""The ticket-level export: one row per ticket in the filter, read in chunks from one statement."""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from apps.dashboard.charts import Raw
from apps.dashboard.filters import DashboardFilter, received_q
from apps.tickets.models import TicketStatus, WithdrawalTicket

# Rows fetched per round trip; on PostgreSQL one server-side cursor serves them all.
EXPORT_CHUNK_SIZE = 2000

# Stable column names (never translated) and the ticket field each is read from.
TICKET_EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"),
    ("platform", "platform__code"),
    ("complaint_type", "complaint_type__code"),
    ("status", "status"),
    ("stage", "stage__code"),
    ("team", "team__name"),
    ("assignee", "assignee__username"),
    ("created_at", "created_at"),
    ("received_at", "received_at"),
    ("first_contact_due_at", "first_contact_due_at"),
    ("first_contact_at", "first_contact_at"),
    ("decision_due_at", "decision_due_at"),
    ("decided_at", "decided_at"),
    ("first_contact_breached", "first_contact_breached_at"),
    ("decision_breached", "decision_breached_at"),
)
_FLAGS = {"first_contact_breached", "decision_breached"}


def _cell(column: str, value: object, tz: ZoneInfo) -> Raw:
    if column in _FLAGS:
        return 1 if value is not None else 0  # a breach flag: 1 or 0, so a spreadsheet can sum it
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat(timespec="seconds")
    return value if value is None or isinstance(value, int | float) else str(value)


def ticket_export_rows(*, chosen: DashboardFilter, tz: ZoneInfo) -> Iterator[list[Raw]]:
    """The header, then one row per ticket in the filter (intake drafts left out), oldest first.

    Times are ISO 8601 in `tz` with their offset; codes, not translated names, name the platform,
    type, status and stage. One statement, read EXPORT_CHUNK_SIZE rows at a time: memory stays flat
    whatever the number of tickets.
    """
    columns = [name for name, _field in TICKET_EXPORT_COLUMNS]
    yield list(columns)
    tickets = (
        WithdrawalTicket.objects.exclude(status=TicketStatus.DRAFT)
        .filter(received_q(chosen, tz))
        .order_by("id")
        .values_list(*(field for _name, field in TICKET_EXPORT_COLUMNS))
    )
    for ticket in tickets.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [_cell(name, value, tz) for name, value in zip(columns, ticket, strict=True)]
