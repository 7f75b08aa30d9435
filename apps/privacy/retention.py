"""Erase or anonymise personal data whose retention period has passed, in set-based statements.

Each kind of data (DataKind) is kept a number of days after its ticket closes (RetentionPolicy).
A run walks the tickets closed between the kind's `done_through` mark and now minus the period, in
batches by the partial index `privacy_ticket_closed_idx` (migration 0001), so its cost follows what
is due, not what is stored. Each batch locks its tickets (FOR UPDATE: a reopen waits), keeps only the
ones still closed, and runs one UPDATE (or DELETE) per table. The values are never read or logged:
an ErasureRun keeps the kind, the tables and the row counts.

Updates go through querysets (`.update(field=None)`), so they hold whatever class a field becomes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce, Greatest

from apps.accounts.models import SmsChallenge, User
from apps.complaints.models import Complaint
from apps.conversation.models import Attachment, Message
from apps.evidence.models import EvidenceFile
from apps.evidence.storage import private_storage
from apps.identity.models import IdentityVerificationAttempt
from apps.notifications.models import RequesterNotice
from apps.outbound.models import OutboundMessage
from apps.privacy.models import DataKind, ErasureRequest, ErasureRun, ErasureTrigger, RetentionPolicy
from apps.tickets.models import OPEN_STATUSES, Letter, TicketStatus, WithdrawalTicket

TICKET_BATCH = 500
SMS_BATCH = 2000
# A ticket expired by the clock's sweep is dated by its complaint's resolution, which the sweep may
# reach a little late: each run looks this far back before its mark (already-erased rows are skipped).
LOOKBACK = timedelta(days=2)
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)

CLOSED_STATUSES: tuple[str, ...] = tuple(s for s in TicketStatus.values if s not in OPEN_STATUSES)
_CLOSED_IN = ", ".join(f"'{status}'" for status in CLOSED_STATUSES)
# When a closed ticket closed: its last change, its decision, or (expired) its complaint's resolution.
# The same expression as the index `privacy_ticket_closed_idx`, so PostgreSQL walks the index.
CLOSED_AT_SQL = (
    "GREATEST(updated_at, decided_at, CASE WHEN status = 'expired' THEN complaint_resolution_at END)"
)
CLOSED_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS privacy_ticket_closed_idx ON tickets_withdrawalticket "
    f"(({CLOSED_AT_SQL}), id) WHERE status IN ({_CLOSED_IN})"
)
_DUE_SQL = f"""
    SELECT id, {CLOSED_AT_SQL} AS closed_at FROM tickets_withdrawalticket
    WHERE status IN ({_CLOSED_IN})
      AND ({CLOSED_AT_SQL}, id) > (%(after)s, %(after_id)s)
      AND {CLOSED_AT_SQL} <= %(cutoff)s
    ORDER BY {CLOSED_AT_SQL}, id
    LIMIT %(limit)s
"""  # noqa: S608  (constants only; the values are parameters)


@dataclass
class Counts:
    """Rows changed per table, and tickets looked at; values never enter here."""

    tables: dict[str, int] = field(default_factory=dict)
    tickets: int = 0

    def add(self, table: str, rows: int) -> None:
        if rows:
            self.tables[table] = self.tables.get(table, 0) + rows

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def tickets_still_closed(ticket_ids: Iterable[int]) -> list[int]:
    """Lock the tickets against a reopen (FOR UPDATE) and keep those still closed; inside a transaction."""
    return list(
        WithdrawalTicket.objects.select_for_update(of=("self",))
        .filter(pk__in=list(ticket_ids), status__in=CLOSED_STATUSES)
        .values_list("pk", flat=True)
    )


def _identity_attempts(ids: Sequence[int], counts: Counts) -> None:
    rows = (
        IdentityVerificationAttempt.objects.filter(ticket_id__in=ids)
        .exclude(provider_reference="", reason="", ip_address=None)
        .update(provider_reference="", reason="", ip_address=None)
    )
    counts.add("identity attempts", rows)


def _ip_device(ids: Sequence[int], counts: Counts) -> None:
    rows = (
        IdentityVerificationAttempt.objects.filter(ticket_id__in=ids, ip_address__isnull=False)
        .update(ip_address=None)
    )
    counts.add("identity attempts", rows)


def _phone_numbers(ids: Sequence[int], counts: Counts, *, cutoff: datetime) -> None:
    rows = OutboundMessage.objects.filter(ticket_id__in=ids).exclude(recipient="").update(recipient="")
    counts.add("outbound messages", rows)
    # The requester's own number goes once none of their tickets is open or closed too recently:
    # with it goes the account's sign-in (a new sign-in with the number starts a new account).
    requesters = WithdrawalTicket.objects.filter(pk__in=ids, requester__isnull=False).values("requester_id")
    keeps = WithdrawalTicket.objects.filter(requester_id=OuterRef("pk")).filter(
        Q(status__in=OPEN_STATUSES) | Q(updated_at__gt=cutoff) | Q(decided_at__gt=cutoff)
        | Q(status=TicketStatus.EXPIRED, complaint_resolution_at__gt=cutoff)
    )
    rows = (
        User.objects.filter(pk__in=requesters, phone__isnull=False, is_staff=False)
        .filter(~Exists(keeps))
        .update(phone=None)
    )
    counts.add("requesters", rows)


def _evidence_files(ids: Sequence[int], counts: Counts) -> None:
    for model, table in ((EvidenceFile, "evidence files"), (Attachment, "message attachments")):
        stored = model.objects.filter(ticket_id__in=ids).exclude(file="")
        names = list(stored.values_list("pk", "file"))
        # The files go first: should the update then fail, a row points at nothing, never the reverse.
        for _pk, name in names:
            private_storage.delete(name)
        rows = model.objects.filter(pk__in=[pk for pk, _name in names]).update(file="", original_name="")
        counts.add(table, rows)


def _letters_messages(ids: Sequence[int], counts: Counts) -> None:
    counts.add("letters", Letter.objects.filter(ticket_id__in=ids)
               .exclude(respondent="", reason="", body="", coach_findings=[])
               .update(respondent="", reason="", body="", coach_findings=[]))
    counts.add("messages", Message.objects.filter(ticket_id__in=ids).exclude(body="").update(body=""))
    counts.add("outbound messages", OutboundMessage.objects.filter(ticket_id__in=ids)
               .exclude(body="", html_body="", subject="", sms_params=[])
               .update(body="", html_body="", subject="", sms_params=[]))
    counts.add("requester notices", RequesterNotice.objects.filter(ticket_id__in=ids).exclude(body="")
               .update(body=""))
    # A complaint is shared by its tickets over time: it keeps its text while any of them is open.
    open_ticket = WithdrawalTicket.objects.filter(complaint_id=OuterRef("pk"), status__in=OPEN_STATUSES)
    counts.add("complaints", Complaint.objects.filter(tickets__pk__in=ids).filter(~Exists(open_ticket))
               .exclude(complainant_name="", summary="").update(complainant_name="", summary=""))


def kind_erase(
    kind: str, ticket_ids: Sequence[int], counts: Counts, *, cutoff: datetime | None = None
) -> None:
    """Erase one kind of data of these (locked, closed) tickets, one statement per table."""
    if not ticket_ids:
        return
    if kind == DataKind.IDENTITY_ATTEMPTS:
        _identity_attempts(ticket_ids, counts)
    elif kind == DataKind.IP_DEVICE:
        _ip_device(ticket_ids, counts)
    elif kind == DataKind.PHONE_NUMBERS:
        _phone_numbers(ticket_ids, counts, cutoff=cutoff or datetime.max.replace(tzinfo=UTC))
    elif kind == DataKind.EVIDENCE_FILES:
        _evidence_files(ticket_ids, counts)
    elif kind == DataKind.LETTERS_MESSAGES:
        _letters_messages(ticket_ids, counts)
    else:
        raise ValueError(f"unknown kind of data: {kind}")


def _due_batch(*, after: tuple[datetime, int], cutoff: datetime, limit: int) -> list[tuple[int, datetime]]:
    if connection.vendor != "postgresql":
        return _due_batch_portable(after=after, cutoff=cutoff, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(_DUE_SQL, {"after": after[0], "after_id": after[1], "cutoff": cutoff, "limit": limit})
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _due_batch_portable(
    *, after: tuple[datetime, int], cutoff: datetime, limit: int
) -> list[tuple[int, datetime]]:
    """The same batch on the embedded SQLite, unindexed: its MAX() is NULL when any argument is, so
    each possibly missing moment falls back to `updated_at` (never NULL), which GREATEST would keep."""
    closed_at = Greatest(
        "updated_at",
        Coalesce("decided_at", "updated_at"),
        Coalesce(
            Case(
                When(status=TicketStatus.EXPIRED, then=F("complaint_resolution_at")),
                output_field=DateTimeField(),
            ),
            "updated_at",
        ),
    )
    start, after_id = after
    rows = (
        WithdrawalTicket.objects.filter(status__in=CLOSED_STATUSES)
        .annotate(closed_at=closed_at)
        .filter(Q(closed_at__gt=start) | Q(closed_at=start, pk__gt=after_id), closed_at__lte=cutoff)
        .order_by("closed_at", "pk")
        .values_list("pk", "closed_at")[:limit]
    )
    return [(pk, at) for pk, at in rows]


def sms_challenges_expire(*, cutoff: datetime, counts: Counts, batch: int = SMS_BATCH) -> None:
    """Delete sign-in codes (number and IP) sent before the cutoff, oldest first by their id.

    Codes are written in time order, so the oldest ids are the oldest codes: each batch reads the
    first rows of the primary key and stops at the first one still within its period.
    """
    while True:
        head = list(SmsChallenge.objects.order_by("pk").values_list("pk", "created_at")[:batch])
        due = [pk for pk, created_at in head if created_at <= cutoff]
        if due:
            counts.add("sign-in codes", SmsChallenge.objects.filter(pk__in=due).delete()[0])
        if len(due) < len(head) or len(head) < batch:
            return


def retention_kind_run(*, policy: RetentionPolicy, now: datetime, batch: int = TICKET_BATCH) -> ErasureRun:
    """Erase one kind of data everywhere its period has passed; record what changed and advance the mark."""
    cutoff = now - timedelta(days=policy.days)
    counts = Counts()
    start = (policy.done_through - LOOKBACK) if policy.done_through else BEGINNING
    after: tuple[datetime, int] = (start, 0)
    while True:
        due = _due_batch(after=after, cutoff=cutoff, limit=batch)
        if not due:
            break
        with transaction.atomic():
            closed = tickets_still_closed(pk for pk, _at in due)
            kind_erase(policy.kind, closed, counts, cutoff=cutoff)
        counts.tickets += len(closed)
        after = (due[-1][1], due[-1][0])
        if len(due) < batch:
            break
    if policy.kind == DataKind.IP_DEVICE:
        sms_challenges_expire(cutoff=cutoff, counts=counts)
    if policy.done_through is None or cutoff > policy.done_through:
        RetentionPolicy.objects.filter(pk=policy.pk).update(done_through=cutoff)
    return ErasureRun.objects.create(
        kind=policy.kind, trigger=ErasureTrigger.RETENTION, rows_affected=counts.rows, tables=counts.tables,
        tickets=counts.tickets, cutoff=cutoff, ran_at=now,
    )


def retention_run(*, now: datetime) -> list[ErasureRun]:
    """Apply every retention period (the daily beat task); one ErasureRun per kind."""
    return [retention_kind_run(policy=policy, now=now) for policy in RetentionPolicy.objects.order_by("kind")]


def tickets_erase_now(
    *, request: ErasureRequest, ticket_ids: Sequence[int], now: datetime
) -> list[ErasureRun]:
    """Erase every kind of these closed tickets' data at once (an approved request); inside a transaction.

    The requester's phone number stays: it is how they sign in to see the request's outcome.
    """
    runs = []
    for kind in DataKind.values:
        if kind == DataKind.PHONE_NUMBERS:
            continue
        counts = Counts(tickets=len(ticket_ids))
        kind_erase(kind, ticket_ids, counts)
        runs.append(ErasureRun(
            kind=kind, trigger=ErasureTrigger.REQUEST, request=request, rows_affected=counts.rows,
            tables=counts.tables, tickets=counts.tickets, ran_at=now,
        ))
    return ErasureRun.objects.bulk_create(runs)
