"""The sweep: move every ticket whose next clock boundary has passed, in set-based batches.

Each batch is one transaction that locks its due rows with SKIP LOCKED, so two sweeps running at
once share the work and never take the same ticket; a sweep killed half-way rolls its batch back
and the next one does it again. Events carry unique keys (one per ticket and boundary), so a
change is recorded once however often it is retried.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest

from apps.policy.models import Stage
from apps.sla.transitions import CLOCKED, CONTACT_OWED, DECISION_OWED, next_transition_refresh
from apps.tickets.models import EventKind, StageEntry, TicketEvent, TicketStatus, WithdrawalTicket

SWEEP_BATCH_SIZE = 2000
CLOCK_ACTOR = "clock"
# A ticket still due after its batch (bad data, e.g. no filing time) is retried by the next sweep,
# not by this one, so one bad row can never keep a sweep looping.
STUCK_RETRY_DELAY = timedelta(minutes=1)

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    due: int = 0
    received: int = 0
    stage_changes: int = 0
    expired: int = 0
    breaches: int = 0
    batches: int = 0
    breach_event_keys: list[str] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return self.received + self.stage_changes + self.expired + self.breaches


def _event(
    ticket_id: int,
    kind: str,
    key: str,
    at: datetime | None,
    from_value: str = "",
    to_value: str = "",
    data: dict[str, object] | None = None,
) -> TicketEvent:
    if at is None:  # the queries select on the column, so it is set; the type cannot say so
        raise ValueError(f"ticket {ticket_id}: {kind} without a time")
    return TicketEvent(
        ticket_id=ticket_id,
        kind=kind,
        actor_label=CLOCK_ACTOR,
        occurred_at=at,
        from_value=from_value,
        to_value=to_value,
        data=data or {},
        dedupe_key=key,
    )


class _Batch:
    """One locked batch of due tickets and what the sweep does to them."""

    def __init__(self, ids: list[int], now: datetime, stages: list[Stage]) -> None:
        self.ids = ids
        self.now = now
        self.stages = stages
        self.events: list[TicketEvent] = []
        self.entries: list[StageEntry] = []
        self.changed: set[int] = set()
        self.result = SweepResult(due=len(ids), batches=1)

    def tickets(self, **conditions: object) -> QuerySet[WithdrawalTicket]:
        return WithdrawalTicket.objects.filter(pk__in=self.ids, **conditions)

    def receive(self) -> None:
        """Night submissions become received at the next opening."""
        rows = list(
            self.tickets(status=TicketStatus.SUBMITTED, received_at__lte=self.now).values_list(
                "pk", "received_at"
            )
        )
        if not rows:
            return
        WithdrawalTicket.objects.filter(pk__in=[pk for pk, _ in rows]).update(status=TicketStatus.RECEIVED)
        for pk, at in rows:
            self.events.append(
                _event(
                    pk,
                    EventKind.RECEIVED,
                    f"received:{pk}",
                    at,
                    TicketStatus.SUBMITTED,
                    TicketStatus.RECEIVED,
                )
            )
            self.changed.add(pk)
        self.result.received += len(rows)

    def expire(self) -> None:
        """A ticket still open when its complaint is resolved by the platform has nothing left to withdraw."""
        rows = list(
            self.tickets(status__in=CLOCKED, complaint_resolution_at__lte=self.now).values_list(
                "pk", "status", "complaint_resolution_at"
            )
        )
        if not rows:
            return
        WithdrawalTicket.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(status=TicketStatus.EXPIRED)
        for pk, status, at in rows:
            self.events.append(
                _event(
                    pk,
                    EventKind.STATUS_CHANGED,
                    f"expired:{pk}",
                    at,
                    status,
                    TicketStatus.EXPIRED,
                    {"reason": "complaint_resolved"},
                )
            )
            self.changed.add(pk)
        self.result.expired += len(rows)

    def move_stages(self) -> None:
        """Put each ticket in the stage its complaint's age calls for; record every stage passed."""
        order = {stage.pk: index for index, stage in enumerate(self.stages)}
        for index, stage in enumerate(self.stages):
            age_from = self.now - timedelta(hours=stage.starts_at_hour)
            query = self.tickets(status__in=CLOCKED, complaint_filed_at__lte=age_from)
            if stage.ends_at_hour is not None:
                query = query.filter(complaint_filed_at__gt=self.now - timedelta(hours=stage.ends_at_hour))
            rows = list(query.exclude(stage=stage).values_list("pk", "stage_id", "complaint_filed_at"))
            if not rows:
                continue
            ends = (
                None
                if stage.ends_at_hour is None
                else F("complaint_filed_at") + timedelta(hours=stage.ends_at_hour)
            )
            WithdrawalTicket.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
                stage=stage,
                stage_entered_at=F("complaint_filed_at") + timedelta(hours=stage.starts_at_hour),
                stage_ends_at=ends,
            )
            for pk, old_stage_id, filed_at in rows:
                if filed_at is None:
                    continue
                first = 0 if old_stage_id is None else order.get(old_stage_id, -1) + 1
                previous = None if old_stage_id is None else self._code(old_stage_id)
                for passed in self.stages[first : index + 1]:
                    at = filed_at + timedelta(hours=passed.starts_at_hour)
                    self.entries.append(StageEntry(ticket_id=pk, stage=passed, entered_at=at))
                    self.events.append(
                        _event(
                            pk,
                            EventKind.STAGE_CHANGED,
                            f"stage:{pk}:{passed.code}",
                            at,
                            previous or "",
                            passed.code,
                        )
                    )
                    previous = passed.code
                self.changed.add(pk)
            self.result.stage_changes += len(rows)

    def _code(self, stage_id: int) -> str:
        return next((stage.code for stage in self.stages if stage.pk == stage_id), "")

    def mark_breaches(self) -> None:
        """Mark the first-contact and decision deadlines that passed with nothing done."""
        for deadline, due_column, breach_column, owed in (
            ("first_contact", "first_contact_due_at", "first_contact_breached_at", CONTACT_OWED),
            ("decision", "decision_due_at", "decision_breached_at", DECISION_OWED),
        ):
            conditions: dict[str, object] = {
                "status__in": owed,
                f"{breach_column}__isnull": True,
                f"{due_column}__lte": self.now,
            }
            if deadline == "first_contact":
                conditions["first_contact_at__isnull"] = True
            else:
                conditions["decided_at__isnull"] = True
            rows = list(self.tickets(**conditions).values_list("pk", due_column, "received_at"))
            if not rows:
                continue
            # A deadline that passed before customer service had the ticket is breached on receipt.
            WithdrawalTicket.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
                **{breach_column: Greatest(F(due_column), F("received_at"))}
            )
            for pk, due, received in rows:
                at = max(due, received) if due and received else due
                key = f"breach:{deadline}:{pk}"
                self.events.append(
                    _event(pk, EventKind.DEADLINE_BREACHED, key, at, "", deadline, {"deadline": deadline})
                )
                self.result.breach_event_keys.append(key)
                self.changed.add(pk)
            self.result.breaches += len(rows)

    def finish(self) -> None:
        StageEntry.objects.bulk_create(self.entries, ignore_conflicts=True)
        TicketEvent.objects.bulk_create(self.events, ignore_conflicts=True)
        if self.changed:
            WithdrawalTicket.objects.filter(pk__in=self.changed).update(version=F("version") + 1)
        next_transition_refresh(self.ids)
        stuck = list(self.tickets(next_transition_at__lte=self.now).values_list("pk", flat=True))
        if stuck:
            logger.error("clock sweep: tickets %s are still due after their batch; retrying later", stuck)
            WithdrawalTicket.objects.filter(pk__in=stuck).update(
                next_transition_at=self.now + STUCK_RETRY_DELAY
            )


def _sweep_batch(now: datetime, stages: list[Stage], batch_size: int) -> SweepResult:
    with transaction.atomic():
        ids = list(
            WithdrawalTicket.objects.filter(next_transition_at__lte=now)
            .order_by("next_transition_at")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return SweepResult()
        batch = _Batch(ids, now, stages)
        batch.receive()
        batch.expire()
        batch.move_stages()
        batch.mark_breaches()
        batch.finish()
        return batch.result


def clock_sweep(
    *,
    now: datetime,
    batch_size: int = SWEEP_BATCH_SIZE,
    after_commit: Callable[[SweepResult], None] | None = None,
) -> SweepResult:
    """Move every due ticket across the boundaries it passed by `now`; return what changed."""
    stages = list(Stage.objects.order_by("starts_at_hour"))
    total = SweepResult()
    while True:
        result = _sweep_batch(now, stages, batch_size)
        _add(total, result)
        if after_commit is not None and result.due:
            after_commit(result)
        if result.due < batch_size:
            return total


def _add(total: SweepResult, result: SweepResult) -> None:
    for name in ("due", "received", "stage_changes", "expired", "breaches", "batches"):
        setattr(total, name, getattr(total, name) + getattr(result, name))
    total.breach_event_keys.extend(result.breach_event_keys)
