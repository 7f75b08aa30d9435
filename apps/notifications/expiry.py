"""Warn requesters, once per deadline, that their open request is about to run out."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from apps.notifications.catalog import NoticeEvent
from apps.notifications.models import RequesterNotice
from apps.notifications.services import NoticeRequest, notify_requesters
from apps.policy.models import PolicySettings, Stage
from apps.sla.transitions import CLOCKED
from apps.tickets.models import WithdrawalTicket

ABOUT_TO_EXPIRE_BATCH_SIZE = 500


def last_reversible_stage_ids() -> list[int]:
    """Stages whose end leads into an irreversible one: their end is when a withdrawal runs out."""
    irreversible_starts = set(
        Stage.objects.filter(irreversible=True).values_list("starts_at_hour", flat=True)
    )
    return [
        pk
        for pk, ends_at_hour in Stage.objects.filter(ends_at_hour__isnull=False).values_list(
            "pk", "ends_at_hour"
        )
        if ends_at_hour in irreversible_starts
    ]


def run_out_at(
    ticket: WithdrawalTicket, *, last_stages: list[int], now: datetime, horizon: datetime
) -> datetime | None:
    """The first of the ticket's deadlines that lies in (now, horizon], or None."""
    moments = [ticket.complaint_resolution_at]
    if ticket.stage_id in last_stages:
        moments.append(ticket.stage_ends_at)
    ahead = [moment for moment in moments if moment is not None and now < moment <= horizon]
    return min(ahead) if ahead else None


def tickets_about_to_expire(
    *, now: datetime, horizon: datetime, last_stages: list[int], limit: int
) -> list[WithdrawalTicket]:
    """Open tickets of requesters whose request runs out by `horizon` and who were not warned yet.

    Both deadlines are at or after the ticket's next clock transition, so the query is a range scan
    of the sweep's partial index on `next_transition_at`; a warning of a deadline still ahead is
    looked up by ticket in the same statement.
    """
    warned = RequesterNotice.objects.filter(
        ticket=OuterRef("pk"), event=NoticeEvent.ABOUT_TO_EXPIRE, deadline_at__gt=now
    )
    return list(
        WithdrawalTicket.objects.filter(
            next_transition_at__isnull=False,
            next_transition_at__lte=horizon,
            status__in=CLOCKED,
            requester__isnull=False,
            requester__is_staff=False,
        )
        .filter(
            Q(stage_id__in=last_stages, stage_ends_at__gt=now, stage_ends_at__lte=horizon)
            | Q(complaint_resolution_at__gt=now, complaint_resolution_at__lte=horizon)
        )
        .exclude(Exists(warned))
        .select_related("requester", "platform")
        .order_by("next_transition_at", "pk")[:limit]
    )


def notices_about_to_expire(*, now: datetime, batch_size: int = ABOUT_TO_EXPIRE_BATCH_SIZE) -> int:
    """Warn each requester whose request runs out within the policy's lead time; return how many.

    A request runs out at the first of: the end of the last stage in which a complaint can still be
    withdrawn (it is handled after that), and the complaint's resolution (the ticket expires). The
    batch is told in one transaction and a fixed number of queries.
    """
    policy = PolicySettings.objects.get()
    horizon = now + timedelta(hours=policy.notice_expiry_warning_hours)
    last_stages = last_reversible_stage_ids()
    requests = []
    for ticket in tickets_about_to_expire(
        now=now, horizon=horizon, last_stages=last_stages, limit=batch_size
    ):
        deadline = run_out_at(ticket, last_stages=last_stages, now=now, horizon=horizon)
        if deadline is None:
            continue
        requests.append(
            NoticeRequest(
                ticket=ticket,
                event=NoticeEvent.ABOUT_TO_EXPIRE,
                context={
                    "expires_at": deadline,
                    "hours_left": str(max(1, round((deadline - now).total_seconds() / 3600))),
                },
                dedupe_key=f"about_to_expire:{ticket.pk}:{int(deadline.timestamp())}",
                deadline_at=deadline,
            )
        )
    if not requests:
        return 0
    with transaction.atomic():
        notified = notify_requesters(requests, now=now)
    return sum(1 for item in notified if item and item.created)
