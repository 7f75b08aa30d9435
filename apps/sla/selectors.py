"""Reads of the clock: what a requester can expect before submitting (the preview)."""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.policy.models import ComplaintType, Platform, Stage
from apps.sla.deadlines import TicketClock, ticket_clock
from apps.sla.policy import clock_policy_load, working_calendar
from apps.sla.presenter import DeadlineState, DeadlineView, deadline_state
from apps.tickets.models import OPEN_STATUSES, TicketStatus, WithdrawalTicket

logger = logging.getLogger(__name__)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj: Any, field: str) -> str:
    """The English or Chinese text of a bilingual policy field, for the active language."""
    english = getattr(obj, f"{field}_en", "")
    return english if _english() and english else getattr(obj, field)


@dataclass(frozen=True)
class Preview:
    clock: TicketClock
    submitted_at: datetime
    platform: Platform
    complaint_type: ComplaintType
    stage: Stage
    tz_name: str
    next_steps: list[str]


def _local(moment: datetime, tz: Any) -> str:
    return formats.date_format(moment.astimezone(tz), "Y-m-d H:i")


def _next_steps(
    clock: TicketClock, submitted_at: datetime, kind: ComplaintType, stage: Stage, tz: Any, contact_hours: int
) -> list[str]:
    steps: list[str] = []
    if kind.withdrawability == "never":
        steps.append(localized(kind, "refusal_reason") or localized(kind, "key_condition"))
        steps.append(_("Consider the other routes: mediation, arbitration or the courts."))
        return steps
    if clock.received_at > submitted_at:
        steps.append(
            _("Submitted outside service hours: it will be received at %(time)s.")
            % {"time": _local(clock.received_at, tz)}
        )
    else:
        steps.append(_("Submitted inside service hours: it is received at once."))
    if clock.first_contact_due_at > clock.received_at:
        steps.append(
            _("Contact customer service before %(time)s: the first %(hours)s hours matter most.")
            % {"time": _local(clock.first_contact_due_at, tz), "hours": contact_hours}
        )
    else:
        # No deadline that is already over when the request arrives: say what it means instead.
        steps.append(
            _(
                "The first %(hours)s hours after the complaint, when a withdrawal is likeliest, ended at "
                "%(time)s, before customer service receives this request. Customer service contacts you "
                "as soon as it can; add the strongest evidence you have now."
            )
            % {"time": _local(clock.first_contact_due_at, tz), "hours": contact_hours}
        )
    if stage.irreversible:
        steps.append(_("The complaint has been handled: only administrative reconsideration remains."))
    elif localized(stage, "needed_to_continue"):
        steps.append(_("Now needed: %(what)s.") % {"what": localized(stage, "needed_to_continue")})
    steps.append(_("Key condition: %(condition)s.") % {"condition": localized(kind, "key_condition")})
    if clock.provisional:
        steps.append(_("Next year's holiday calendar is not published yet: the resolution date may move."))
    return steps


def clock_preview(
    *, platform_code: str, complaint_type_code: str, complaint_filed_at: datetime, submitted_at: datetime
) -> Preview:
    """Compute receipt, stage, estimate and deadlines for a ticket not yet submitted."""
    errors: dict[str, list[str]] = {}
    platform = Platform.objects.filter(code=platform_code, is_active=True).first()
    if platform is None:
        codes = ", ".join(Platform.objects.filter(is_active=True).values_list("code", flat=True))
        errors["platform"] = [_("Unknown platform. Use one of: %(codes)s.") % {"codes": codes}]
    kind = (
        ComplaintType.objects.filter(code=complaint_type_code).prefetch_related("required_documents").first()
    )
    if kind is None:
        codes = ", ".join(ComplaintType.objects.values_list("code", flat=True))
        errors["complaint_type"] = [_("Unknown complaint type. Use one of: %(codes)s.") % {"codes": codes}]
    if complaint_filed_at > submitted_at:
        errors["complaint_filed_at"] = [_("The complaint cannot be filed after the withdrawal is submitted.")]
    if errors or platform is None or kind is None:
        raise ApplicationError(_("Check the highlighted fields."), extra={"fields": errors})
    policy = clock_policy_load(today=submitted_at.date())
    clock = ticket_clock(
        policy,
        platform=platform.code,
        complaint_type=kind.code,
        filed_at=complaint_filed_at,
        submitted_at=submitted_at,
    )
    stage = Stage.objects.get(code=clock.stage.code)
    return Preview(
        clock=clock,
        submitted_at=submitted_at,
        platform=platform,
        complaint_type=kind,
        stage=stage,
        tz_name=policy.window.tz.key,
        next_steps=_next_steps(
            clock, submitted_at, kind, stage, policy.window.tz, policy.first_contact_hours
        ),
    )


# ------------------------------------------------------------------ a stored ticket's deadlines
FIRST_CONTACT, DECISION, RESOLUTION = "first_contact", "decision", "resolution"


@dataclass(frozen=True)
class TicketDeadline:
    kind: str
    label: str
    view: DeadlineView
    # A first contact whose hours were over before customer service received the request.
    passed_before_receipt: bool = False


def ticket_closed_at(ticket: WithdrawalTicket) -> datetime | None:
    """When a closed ticket stopped owing its deadlines: decided, expired or cancelled."""
    if ticket.decided_at is not None:
        return ticket.decided_at
    if ticket.status in OPEN_STATUSES:
        return None
    if ticket.status == TicketStatus.EXPIRED and ticket.complaint_resolution_at is not None:
        return ticket.complaint_resolution_at
    return ticket.updated_at


def ticket_deadline(ticket: WithdrawalTicket, kind: str, *, now: datetime) -> DeadlineView:
    """One of the ticket's deadlines as people read it now (no query: the row's own fields)."""
    if kind == FIRST_CONTACT:
        return deadline_state(
            due_at=ticket.first_contact_due_at, met_at=ticket.first_contact_at,
            closed_at=ticket_closed_at(ticket), now=now,
        )
    if kind == DECISION:
        waiting = ticket.status == TicketStatus.WAITING_ON_REQUESTER
        return deadline_state(
            due_at=ticket.decision_due_at, met_at=ticket.decided_at,
            paused_since=ticket.waiting_since if waiting else None,
            closed_at=ticket_closed_at(ticket), now=now,
        )
    # The platform resolving the complaint is what expires the ticket: after it, it stays passed.
    closed = None if ticket.status == TicketStatus.EXPIRED else ticket_closed_at(ticket)
    return deadline_state(due_at=ticket.complaint_resolution_at, closed_at=closed, now=now)


def ticket_deadlines(ticket: WithdrawalTicket, *, now: datetime) -> list[TicketDeadline]:
    """The deadlines a received ticket shows, named, each with its state now."""
    if ticket.received_at is None or ticket.status == TicketStatus.DRAFT:
        return []
    labels = (
        (FIRST_CONTACT, ticket.first_contact_due_at, _("Contact customer service by")),
        (DECISION, ticket.decision_due_at, _("Decision due by")),
        (RESOLUTION, ticket.complaint_resolution_at, _("The platform resolves the complaint by")),
    )
    shown = []
    for kind, due, label in labels:
        if due is None:
            continue
        view = ticket_deadline(ticket, kind, now=now)
        early = (
            kind == FIRST_CONTACT and view.state == DeadlineState.MISSED and due <= ticket.received_at
        )
        shown.append(TicketDeadline(kind, label, view, early))
    return shown


def calendar_missing_years(*, today: date) -> list[int]:
    """This year and next, where no official or administrator-entered holiday schedule is known."""
    calendar = working_calendar(today=today)
    return [year for year in (today.year, today.year + 1) if calendar.is_provisional(date(year, 1, 1))]


CALENDAR_CHECK_SECONDS = 600


def calendar_missing_years_cached(*, today: date) -> list[int]:
    """`calendar_missing_years`, remembered for ten minutes; computed afresh when the cache is down."""
    key = f"sla:calendar-missing:{today.isoformat()}"
    try:
        years = cache.get(key)
    except Exception:
        logger.warning("calendar check not cached: the cache did not answer", exc_info=True)
        return calendar_missing_years(today=today)
    if years is None:
        years = calendar_missing_years(today=today)
        try:
            cache.set(key, years, CALENDAR_CHECK_SECONDS)
        except Exception:
            logger.warning("calendar check not cached: the cache did not answer", exc_info=True)
    return list(years)
