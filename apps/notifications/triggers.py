"""Which ticket events the requester is told of, with what, and under which key.

`notice_for(event)` reads only the event in memory and answers None for every event nobody is
told of, before any query: it runs on every event, in the hot path of ticket creation. For the rest
it returns what `notify_requester` needs; the few reads it makes are those of that one notice.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from apps.complaints.models import ComplaintStatus
from apps.notifications.catalog import NoticeEvent
from apps.notifications.rendering import Bilingual, ContextValue, MomentPhrase
from apps.notifications.selectors import first_unread_for_requester
from apps.notifications.services import NoticeRequest, notify_requesters, portal_base_url
from apps.policy.models import AlternativeRoute, PolicySettings
from apps.tickets.models import TicketEvent, TicketStatus, WithdrawalTicket

# Plain strings: compared on every event, before anything else.
SUBMITTED, RECEIVED, ASSIGNED, EVIDENCE_REQUESTED, DECIDED, INTAKE_STEP, STATUS_CHANGED = (
    "submitted",
    "received",
    "assigned",
    "evidence_requested",
    "decided",
    "intake_step",
    "status_changed",
)
MESSAGE_POSTED = "message_posted"
TOLD_KINDS = frozenset(
    {
        SUBMITTED,
        RECEIVED,
        ASSIGNED,
        EVIDENCE_REQUESTED,
        MESSAGE_POSTED,
        DECIDED,
        INTAKE_STEP,
        STATUS_CHANGED,
    }
)
STAFF_AUTHORS = frozenset({"agent", "integration"})
DECISIONS = {
    TicketStatus.APPROVED.value: NoticeEvent.APPROVED,
    TicketStatus.REFUSED.value: NoticeEvent.REFUSED,
    TicketStatus.ROUTED.value: NoticeEvent.ROUTED,
}
COMPLAINT_STEP = "2"
ADMINISTRATIVE_RECONSIDERATION = Bilingual(zh="行政复议", en="administrative reconsideration")
NO_FIXED_DATE = Bilingual(zh="尽快", en="as soon as you can")
CUSTOMER_SERVICE = Bilingual(zh="客服", en="Customer service")


@dataclass
class Notice:
    """What to tell the requester: the arguments of `notify_requester`, less the ticket and the time."""

    event: str
    dedupe_key: str
    context: dict[str, ContextValue] = field(default_factory=dict)
    urgent: bool = False
    deadline_at: datetime | None = None
    # Whether a notice with this key exists, when finding the notice already asked (None: unknown).
    told: bool | None = None


def is_told(event: TicketEvent) -> bool:
    """Whether the requester may be told of this event, from the event alone (no query)."""
    kind = event.kind
    if kind not in TOLD_KINDS:
        return False
    if kind == SUBMITTED:
        received = event.data.get("received_at")
        return bool(received) and datetime.fromisoformat(received) > event.occurred_at
    if kind == INTAKE_STEP:
        return event.to_value == COMPLAINT_STEP
    if kind == STATUS_CHANGED:
        return event.to_value == TicketStatus.CANCELLED and event.data.get("code") == "cooling_off"
    if kind == MESSAGE_POSTED:
        return event.to_value in STAFF_AUTHORS
    if kind == DECIDED:
        # A refusal at intake is shown on the page the requester is looking at.
        return event.to_value in DECISIONS and event.from_value != TicketStatus.DRAFT
    if kind == ASSIGNED:
        return bool(event.to_value)  # not when the ticket is taken away from its agent
    return True


def notice_for(event: TicketEvent, *, now: datetime) -> Notice | None:
    """The notice an event gives its requester, or None."""
    if not is_told(event):
        return None
    ticket = event.ticket
    kind = event.kind
    if kind == SUBMITTED:
        return Notice(
            NoticeEvent.RECEIVED_AT_NIGHT,
            f"received:{ticket.pk}",
            {"submitted_at": event.occurred_at, "received_at": ticket.received_at},
        )
    if kind == RECEIVED:
        return Notice(NoticeEvent.RECEIVED, f"received:{ticket.pk}", {"received_at": event.occurred_at})
    if kind == ASSIGNED:
        # Once per ticket: a reassignment changes nothing the requester has to do.
        return Notice(NoticeEvent.ASSIGNED, f"assigned:{ticket.pk}")
    if kind == EVIDENCE_REQUESTED:
        return _evidence_requested(event, ticket)
    if kind == MESSAGE_POSTED:
        return _agent_message(event, ticket)
    if kind == DECIDED:
        return _decided(event, ticket)
    if kind == INTAKE_STEP:
        return _cooling_off(ticket, now)
    return Notice(
        NoticeEvent.COOLING_OFF_CANCELLED,
        f"cooling_off_cancelled:{ticket.pk}",
        {"complaint_number": str(event.data.get("complaint") or "")},
    )


def _evidence_requested(event: TicketEvent, ticket: WithdrawalTicket) -> Notice:
    due = ticket.stage_ends_at
    return Notice(
        NoticeEvent.EVIDENCE_REQUESTED,
        f"evidence_requested:{event.pk}",
        {
            "message": str(event.data.get("message") or ""),
            "due_at": due,
            "due_by": MomentPhrase(due, zh="{}前", en="by {}") if due is not None else NO_FIXED_DATE,
        },
    )


def _agent_message(event: TicketEvent, ticket: WithdrawalTicket) -> Notice:
    """Customer service wrote: told once per run of messages the requester has not read yet.

    The notice is named by the first unread message, so a second message before the requester
    reads the first tells nothing more (no text per message); once they read, the next one tells.
    """
    prefix = f"agent_message:{ticket.pk}:"
    first = first_unread_for_requester(ticket_id=ticket.pk, key_prefix=prefix)
    if first is None:
        return Notice(NoticeEvent.AGENT_MESSAGE, f"{prefix}event-{event.pk}", {"sender": CUSTOMER_SERVICE})
    message_id, body, told = first
    return Notice(
        NoticeEvent.AGENT_MESSAGE, f"{prefix}{message_id}", {"message": body, "sender": CUSTOMER_SERVICE},
        told=told,
    )


def _decided(event: TicketEvent, ticket: WithdrawalTicket) -> Notice:
    notice_event = DECISIONS[event.to_value]
    context: dict[str, ContextValue] = {"reason": ticket.decision_reason}
    if notice_event == NoticeEvent.REFUSED:
        context["routes"] = routes_text()
    elif notice_event == NoticeEvent.ROUTED:
        route = ticket.route
        context["route"] = (
            Bilingual(zh=route.name, en=route.name_en or route.name)
            if route is not None
            else ADMINISTRATIVE_RECONSIDERATION
        )
    return Notice(notice_event, f"decided:{ticket.pk}:{event.pk}", context)


def routes_text() -> Bilingual:
    """The other routes, one a line, with their time, cost and success rate (one query)."""
    zh, en = [], []
    for route in AlternativeRoute.objects.order_by("order", "code"):
        days = (
            str(route.days_min)
            if route.days_min == route.days_max
            else f"{route.days_min}–{route.days_max}"
        )
        working = route.day_kind == AlternativeRoute.DayKind.WORKING
        rate = f"{(route.success_rate * 100).normalize():f}%"
        zh.append(f"· {route.name}：{days} {'个工作日' if working else '天'}，{route.cost}，成功率 {rate}")
        en.append(
            f"· {route.name_en or route.name}: {days} {'working days' if working else 'days'}, "
            f"{route.cost_en or route.cost}, {rate} succeed"
        )
    return Bilingual(zh="\n".join(zh), en="\n".join(en))


def _cooling_off(ticket: WithdrawalTicket, now: datetime) -> Notice | None:
    """At step 2, a low-risk complaint still inside its cooling-off minutes: it may be cancelled alone."""
    complaint = ticket.complaint
    if complaint is None or complaint.complainant_id != ticket.requester_id:
        return None
    if not complaint.complaint_type.low_risk or complaint.status != ComplaintStatus.OPEN:
        return None
    minutes, time_zone = PolicySettings.objects.values_list("cooling_off_minutes", "time_zone").get()
    until = complaint.filed_at + timedelta(minutes=minutes)
    if until <= now:
        return None
    return Notice(
        NoticeEvent.COOLING_OFF,
        f"cooling_off:{complaint.pk}",
        {
            "complaint_number": complaint.number,
            "until": until.astimezone(ZoneInfo(time_zone)).time(),
            "cancel_url": portal_base_url() + reverse("portal:cool_off"),
        },
        urgent=True,
        deadline_at=until,
    )


def requesters_tell_of(events: Sequence[TicketEvent], *, now: datetime) -> int:
    """Tell the requesters of events written in bulk (no signal), in a fixed number of queries.

    The receiver in `signals.py` tells of events saved one by one; a job that writes many events in
    one INSERT (auto-assignment) calls this in the same transaction. Returns how many were told.
    """
    requests = []
    for event in events:
        notice = notice_for(event, now=now) if event.ticket.requester_id else None
        if notice is not None:
            requests.append(
                NoticeRequest(
                    ticket=event.ticket, event=notice.event, context=notice.context,
                    dedupe_key=notice.dedupe_key, urgent=notice.urgent, deadline_at=notice.deadline_at,
                )
            )
    return sum(1 for notified in notify_requesters(requests, now=now) if notified and notified.created)
