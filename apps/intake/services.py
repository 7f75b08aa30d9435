"""The five-step intake of a withdrawal ticket, and the cooling-off lane, for every channel.

The portal and the REST API call these; each step locks the draft, checks where it stands,
records what was done and when, and refuses with a message the requester can act on.
"""

import re
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.policy.models import (
    ComplaintNumberLookalike,
    ComplaintType,
    Platform,
    PolicySettings,
    SpecialCase,
    Stage,
    Withdrawability,
)
from apps.sla.aging import age_hours
from apps.sla.selectors import localized
from apps.sla.services import ticket_clock_start
from apps.tickets.events import event_new, event_record, ticket_insert_with_events
from apps.tickets.models import (
    OPEN_STATUSES,
    EventKind,
    Letter,
    TicketEvent,
    TicketSource,
    TicketStatus,
    WithdrawalTicket,
)

STEP_FIELDS = (
    "entry_completed_at",
    "complaint_number_completed_at",
    "identity_verified_at",
    "letter_completed_at",
    "submitted_at",
)


def complaint_number_normalize(raw: str) -> str:
    """Drop the spaces and dashes people copy along, and upper-case the platform prefix."""
    return re.sub(r"[\s\-_]", "", raw or "").upper()


def _draft_lock(*, ticket_id: int, requester: User) -> WithdrawalTicket:
    ticket = (
        WithdrawalTicket.objects.select_for_update(of=("self",))
        .select_related("platform", "complaint_type")
        .filter(pk=ticket_id, requester=requester)
        .first()
    )
    if ticket is None:
        raise ApplicationError(_("No such withdrawal request."), extra={"code": "not_found"})
    if ticket.status != TicketStatus.DRAFT:
        raise ApplicationError(
            _("This request has already been sent; follow it on “My tickets”."),
            extra={"code": "not_draft", "status": ticket.status},
        )
    return ticket


def _step_event(ticket: WithdrawalTicket, field: str, now: datetime, actor: User, data: dict) -> TicketEvent:
    """Mark an intake step done; its event names the step by number (1-5), as every channel does."""
    setattr(ticket, field, now)
    return event_new(
        ticket=ticket, kind=EventKind.INTAKE_STEP, actor=actor, occurred_at=now,
        to_value=str(STEP_FIELDS.index(field) + 1), data=data,
    )


def _step_done(ticket: WithdrawalTicket, field: str, now: datetime, actor: User, data: dict) -> None:
    _step_event(ticket, field, now, actor, data).save()


def _step_one_data(
    platform: Platform, complaint_type: ComplaintType | None, special_case: SpecialCase | None
) -> dict[str, str | None]:
    return {
        "platform": platform.code,
        "complaint_type": complaint_type.code if complaint_type else None,
        "special_case": special_case.code if special_case else None,
    }


def _draft_create(
    *,
    requester: User,
    platform: Platform,
    complaint_type: ComplaintType | None,
    special_case: SpecialCase | None,
    source: str,
    now: datetime,
) -> WithdrawalTicket:
    """A new draft with step 1 done: one row and its two events, in one statement on PostgreSQL."""
    ticket = WithdrawalTicket(
        requester=requester, source=source, platform=platform, complaint_type=complaint_type,
        special_case=special_case, status=TicketStatus.DRAFT,
    )
    step = _step_event(ticket, "entry_completed_at", now, requester, _step_one_data(
        platform, complaint_type, special_case
    ))
    ticket.version += 1  # created, then step 1: as a draft changed by step 1 would count
    ticket_insert_with_events(ticket, [
        event_new(ticket=ticket, kind=EventKind.CREATED, actor=requester, occurred_at=now), step,
    ])
    return ticket


def intake_start(
    *,
    requester: User,
    platform: Platform,
    complaint_type: ComplaintType | None,
    special_case: SpecialCase | None = None,
    source: str = TicketSource.PORTAL,
    ticket_id: int | None = None,
) -> WithdrawalTicket:
    """Step 1: choose the platform and the category; starts a draft, or changes the given one."""
    if not platform.is_active:
        raise ApplicationError(
            _("%(platform)s does not take withdrawal requests here at the moment.")
            % {"platform": localized(platform, "name")},
            extra={"fields": {"platform": [_("Choose another platform.")]}},
        )
    now = clock.now()
    if ticket_id is None:
        return _draft_create(
            requester=requester, platform=platform, complaint_type=complaint_type,
            special_case=special_case, source=source, now=now,
        )
    return _draft_platform_change(
        ticket_id=ticket_id, requester=requester, platform=platform, complaint_type=complaint_type,
        special_case=special_case, now=now,
    )


@transaction.atomic
def _draft_platform_change(
    *,
    ticket_id: int,
    requester: User,
    platform: Platform,
    complaint_type: ComplaintType | None,
    special_case: SpecialCase | None,
    now: datetime,
) -> WithdrawalTicket:
    ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
    if ticket.platform_id != platform.pk:
        # A complaint number belongs to one platform: a new platform means a new number.
        ticket.complaint = None
        ticket.complaint_filed_at = None
        ticket.complaint_number_completed_at = None
        ticket.identity_verified_at = None
    ticket.platform = platform
    ticket.complaint_type = complaint_type
    ticket.special_case = special_case
    _step_done(ticket, "entry_completed_at", now, requester, _step_one_data(
        platform, complaint_type, special_case
    ))
    ticket.version += 1
    ticket.save()
    return ticket


def complaint_number_check(*, platform: Platform, number: str) -> str:
    """Return the normalised number if it has the platform's format; else say what it looks like."""
    normalized = complaint_number_normalize(number)
    if not normalized:
        raise ApplicationError(
            _("Enter the complaint number."), extra={"fields": {"number": [_("This field is required.")]}}
        )
    if re.fullmatch(platform.complaint_number_pattern, normalized):
        return normalized
    hint = localized(platform, "complaint_number_hint")
    for lookalike in ComplaintNumberLookalike.objects.filter(Q(platform=platform) | Q(platform__isnull=True)):
        if re.fullmatch(lookalike.pattern, normalized):
            message = localized(lookalike, "hint")
            raise ApplicationError(
                message, extra={"code": f"looks_like_{lookalike.kind}", "fields": {"number": [message]}}
            )
    message = _("A %(platform)s complaint number looks like %(example)s. %(hint)s") % {
        "platform": localized(platform, "name"), "example": platform.complaint_number_example, "hint": hint,
    }
    raise ApplicationError(message, extra={"code": "bad_format", "fields": {"number": [message]}})


def complaint_is_handled(*, complaint: Complaint, now: datetime) -> bool:
    """True once the complaint's age has reached an irreversible stage (only reconsideration left)."""
    age = age_hours(now - complaint.filed_at)
    return Stage.objects.filter(irreversible=True, starts_at_hour__lte=age).exists()


def _refuse_at_intake(ticket: WithdrawalTicket, reason: str, now: datetime, actor: User, code: str) -> None:
    ticket.status = TicketStatus.REFUSED
    ticket.submitted_at = now
    ticket.decided_at = now
    ticket.decision_reason = reason
    ticket.version += 1
    ticket.save()
    event_record(
        ticket=ticket, kind=EventKind.DECIDED, actor_label="intake", occurred_at=now,
        from_value=TicketStatus.DRAFT, to_value=TicketStatus.REFUSED, data={"code": code},
    )


@transaction.atomic
def intake_complaint_confirm(*, ticket_id: int, requester: User, number: str) -> WithdrawalTicket:
    """Step 2: the complaint number, checked against the platform's format and looked up.

    A fraud report is refused here, and kept, with its reason; so is a complaint already handled.
    """
    ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
    if ticket.entry_completed_at is None:
        raise ApplicationError(_("Choose the platform and category first."), extra={"code": "step_order"})
    normalized = complaint_number_check(platform=ticket.platform, number=number)
    complaint = (
        Complaint.objects.select_related("complaint_type")
        .filter(platform=ticket.platform, number=normalized)
        .first()
    )
    if complaint is None or (complaint.complainant_id not in (None, requester.pk)):
        message = _(
            "No %(platform)s complaint has the number %(number)s. Copy it from the complaint's detail "
            "page: %(path)s."
        ) % {
            "platform": localized(ticket.platform, "name"), "number": normalized,
            "path": localized(ticket.platform, "entry_path") or localized(ticket.platform, "entry_point"),
        }
        raise ApplicationError(message, extra={"code": "not_found", "fields": {"number": [message]}})
    if complaint.status != ComplaintStatus.OPEN:
        message = _("This complaint is %(status)s: there is nothing left to withdraw.") % {
            "status": complaint.get_status_display()
        }
        raise ApplicationError(message, extra={"code": "complaint_closed", "fields": {"number": [message]}})
    other = (
        WithdrawalTicket.objects.filter(complaint=complaint, status__in=OPEN_STATUSES)
        .exclude(pk=ticket.pk)
        .first()
    )
    if other is not None:
        message = _("A withdrawal request for this complaint is already open (%(reference)s).") % {
            "reference": other.reference if other.requester_id == requester.pk else _("by another account")
        }
        raise ApplicationError(message, extra={"code": "already_open", "fields": {"number": [message]}})
    now = clock.now()
    ticket.complaint = complaint
    ticket.complaint_filed_at = complaint.filed_at
    chosen = ticket.complaint_type_id
    ticket.complaint_type = complaint.complaint_type
    _step_done(ticket, "complaint_number_completed_at", now, requester, {
        "complaint_type": complaint.complaint_type.code,
        "category_corrected": chosen is not None and chosen != complaint.complaint_type_id,
    })
    kind = complaint.complaint_type
    if kind.withdrawability == Withdrawability.NEVER:
        _refuse_at_intake(
            ticket, localized(kind, "refusal_reason") or localized(kind, "key_condition"), now, requester,
            "never_withdrawable",
        )
        return ticket
    if complaint_is_handled(complaint=complaint, now=now):
        _refuse_at_intake(
            ticket,
            _("This complaint has already been handled: it can no longer be withdrawn, only taken to "
              "administrative reconsideration."),
            now, requester, "handled",
        )
        return ticket
    ticket.version += 1
    ticket.save()
    return ticket


@transaction.atomic
def intake_special_case_declare(
    *, ticket_id: int, requester: User, special_case: SpecialCase | None
) -> WithdrawalTicket:
    """Declare (or withdraw) a special case: its documents become required for the ticket."""
    ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
    if ticket.special_case_id != (special_case.pk if special_case else None):
        event_record(
            ticket=ticket, kind=EventKind.NOTE, actor=requester,
            from_value=ticket.special_case or "", to_value=special_case or "",
            data={"field": "special_case", "to": special_case.code if special_case else None},
        )
        ticket.special_case = special_case
        ticket.version += 1
        ticket.save(update_fields=["special_case", "version", "updated_at"])
    return ticket


@transaction.atomic
def intake_letter_complete(*, ticket_id: int, requester: User) -> WithdrawalTicket:
    """Step 4 done: the letter states the complaint time, the respondent and the reason."""
    ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
    if ticket.identity_verified_at is None:
        raise ApplicationError(_("Verify your identity first."), extra={"code": "step_order"})
    letter = Letter.objects.filter(ticket=ticket).first()
    missing: dict[str, list[str]] = {}
    if letter is None or letter.complaint_time is None:
        missing["complaint_time"] = [_("Give the time of the complaint, to the minute.")]
    if letter is None or not letter.respondent.strip():
        missing["respondent"] = [_("Name the person or account you complained about.")]
    if letter is None or not letter.reason.strip():
        missing["reason"] = [_("Say why you want to withdraw the complaint.")]
    if missing or letter is None:
        raise ApplicationError(
            _("The letter needs the complaint time, the respondent and the reason."),
            extra={"code": "letter_incomplete", "fields": missing},
        )
    _step_done(ticket, "letter_completed_at", clock.now(), requester, {"score": letter.coach_score})
    ticket.version += 1
    ticket.save()
    return ticket


def intake_submit(*, ticket_id: int, requester: User) -> WithdrawalTicket:
    """Step 5: send the request. It is received now, or at the next opening of service hours."""
    with transaction.atomic():
        ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
        for field, message in (
            ("entry_completed_at", _("Choose the platform and category first.")),
            ("complaint_number_completed_at", _("Confirm the complaint number first.")),
            ("identity_verified_at", _("Verify your identity first.")),
            ("letter_completed_at", _("Finish the letter first.")),
        ):
            if getattr(ticket, field) is None:
                raise ApplicationError(message, extra={"code": "step_order", "step": field})
        now = clock.now()
        return ticket_clock_start(ticket_id=ticket.pk, submitted_at=now, now=now, actor=requester)


def cooling_off_window(*, complaint: Complaint, now: datetime) -> timedelta | None:
    """Time left to cancel this complaint in the cooling-off lane, or None when it does not apply."""
    settings = PolicySettings.objects.get()
    if not complaint.complaint_type.low_risk or complaint.status != ComplaintStatus.OPEN:
        return None
    left = complaint.filed_at + timedelta(minutes=settings.cooling_off_minutes) - now
    return left if left > timedelta(0) else None


@transaction.atomic
def complaint_cool_off_cancel(
    *, platform: Platform, number: str, requester: User, draft_id: int | None = None
) -> Complaint:
    """Cancel one's own low-risk complaint within the cooling-off minutes: no ticket, no review."""
    normalized = complaint_number_check(platform=platform, number=number)
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("complaint_type")
        .filter(platform=platform, number=normalized, complainant=requester)
        .first()
    )
    if complaint is None:
        message = _("None of your %(platform)s complaints has the number %(number)s.") % {
            "platform": localized(platform, "name"), "number": normalized,
        }
        raise ApplicationError(message, extra={"code": "not_found", "fields": {"number": [message]}})
    now = clock.now()
    if cooling_off_window(complaint=complaint, now=now) is None:
        minutes = PolicySettings.objects.get().cooling_off_minutes
        if not complaint.complaint_type.low_risk:
            message = _("A %(type)s complaint cannot be cancelled in one step: request a withdrawal.") % {
                "type": localized(complaint.complaint_type, "name")
            }
        else:
            message = _(
                "The %(minutes)s minutes to cancel this complaint yourself have passed: request a withdrawal."
            ) % {"minutes": minutes}
        raise ApplicationError(message, extra={"code": "cooling_off_over"})
    complaint.status = ComplaintStatus.CANCELLED
    complaint.cancelled_at = now
    complaint.save(update_fields=["status", "cancelled_at"])
    if draft_id is not None:
        draft = WithdrawalTicket.objects.select_for_update(of=("self",)).filter(
            pk=draft_id, requester=requester, status=TicketStatus.DRAFT
        ).first()
        if draft is not None:
            # The complaint is gone: the draft lets go of it, so nothing points at a cancelled one.
            draft.complaint = None
            _draft_cancel(draft, requester, now, data={"code": "cooling_off", "complaint": complaint.number})
    return complaint


def _draft_cancel(draft: WithdrawalTicket, requester: User, now: datetime, data: dict | None = None) -> None:
    draft.status = TicketStatus.CANCELLED
    draft.version += 1
    draft.save(update_fields=["status", "complaint", "version", "updated_at"])
    event_record(
        ticket=draft, kind=EventKind.STATUS_CHANGED, actor=requester, occurred_at=now,
        from_value=TicketStatus.DRAFT, to_value=TicketStatus.CANCELLED, data=data,
    )


@transaction.atomic
def intake_abandon(*, ticket_id: int, requester: User) -> WithdrawalTicket:
    """Throw away a draft the requester no longer wants."""
    ticket = _draft_lock(ticket_id=ticket_id, requester=requester)
    _draft_cancel(ticket, requester, clock.now())
    return ticket
