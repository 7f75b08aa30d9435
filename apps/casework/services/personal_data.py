"""Personal data on a ticket: shown masked; revealed only to those allowed, for a recorded reason.

Who may see what: a holder of the reveal permission (supervisors) any field; the agent holding an
open ticket its requester's phone number, to call them. Every reveal records who, when, which
field, the purpose chosen and the reason written (never the value) as a ticket event, which the
supervisors' reveal report lists.
"""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.casework.services.common import REVEAL_PERMISSION, refuse, worker_refusal
from apps.core.errors import ApplicationError
from apps.core.masking import mask_ip, mask_phone
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.events import event_record
from apps.tickets.models import QUEUE_STATUSES, EventKind, WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to

REASON_MAX_LENGTH = 500


class PersonalDataField(models.TextChoices):
    REQUESTER_PHONE = "requester_phone", _("requester's mobile number")
    IDENTITY_IP = "identity_ip_address", _("IP address of the identity check")


class RevealPurpose(models.TextChoices):
    """Why someone needs a value unmasked: chosen from a list, then explained in words."""

    CALL_REQUESTER = "call_requester", _("call the requester about this ticket")
    CALL_BACK = "call_back", _("the requester asked to be called back")
    CHECK_IDENTITY = "check_identity", _("check the requester's identity")
    OTHER = "other", _("other (explain below)")


def _requester_phone(ticket: WithdrawalTicket) -> str:
    return (ticket.requester.phone or "") if ticket.requester else ""


def _identity_ip(ticket: WithdrawalTicket) -> str:
    address = (
        IdentityVerificationAttempt.objects.filter(ticket=ticket, ip_address__isnull=False)
        .order_by("-attempted_at", "-pk")
        .values_list("ip_address", flat=True)
        .first()
    )
    return address or ""


# field -> (read the value, mask it)
FIELDS: dict[str, tuple[Callable[[WithdrawalTicket], str], Callable[[str | None], str]]] = {
    PersonalDataField.REQUESTER_PHONE: (_requester_phone, mask_phone),
    PersonalDataField.IDENTITY_IP: (_identity_ip, mask_ip),
}


def personal_data_masked(*, ticket: WithdrawalTicket) -> dict[str, str]:
    """Every personal-data field of the ticket, masked, for the case page (empty when not known)."""
    return {name: mask(read(ticket)) for name, (read, mask) in FIELDS.items()}


def reveal_refusal(ticket: WithdrawalTicket, viewer: User, field: str) -> ApplicationError | None:
    """Why `viewer` may not see `field` of the ticket unmasked, or None if they may (with a reason)."""
    if field not in FIELDS:
        return refuse(gettext("This is not a personal-data field."), "invalid", field="field")
    if viewer.is_active and viewer.has_perm(REVEAL_PERMISSION):
        return None
    if field != PersonalDataField.REQUESTER_PHONE:
        return refuse(gettext("You may not reveal personal data."), "forbidden")
    if worker_refusal(viewer) is None and ticket.assignee_id == viewer.pk and ticket.status in QUEUE_STATUSES:
        return None
    return refuse(
        gettext(
            "Only the agent holding this open ticket, or a supervisor, may see the requester's number."
        ),
        "forbidden",
    )


def _reason_refusal(purpose: str, reason: str) -> ApplicationError | None:
    if purpose not in RevealPurpose.values:
        return refuse(gettext("Choose why you need to see it."), "invalid", field="purpose")
    if not reason:
        return refuse(
            gettext("Say why you need to see it: the reason is recorded."), "invalid", field="reason"
        )
    if len(reason) > REASON_MAX_LENGTH:
        return refuse(
            gettext("Keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
            "invalid",
            field="reason",
        )
    return None


def personal_data_reveal(*, ticket_id: int, viewer: User, field: str, purpose: str, reason: str) -> str:
    """Return one personal-data value unmasked, recording who saw which field and why (not the value).

    Revealing changes nothing on the ticket, so it neither locks it nor raises its version: a
    colleague's open page stays current.
    """
    if worker_refusal(viewer) is not None and not (viewer.is_active and viewer.has_perm(REVEAL_PERMISSION)):
        raise refuse(gettext("You may not reveal personal data."), "forbidden")
    if field not in FIELDS:
        raise refuse(gettext("This is not a personal-data field."), "invalid", field="field")
    ticket = ticket_visible_to(user=viewer).select_related("requester").filter(pk=ticket_id).first()
    if ticket is None:
        raise refuse(gettext("There is no such ticket."), "not_found")
    if (refusal := reveal_refusal(ticket, viewer, field)) is not None:
        raise refusal
    reason = reason.strip()
    if (refusal := _reason_refusal(purpose, reason)) is not None:
        raise refusal
    read, _mask = FIELDS[field]
    value = read(ticket)
    if not value:
        raise refuse(
            gettext("This ticket has no %(field)s.") % {"field": PersonalDataField(field).label}, "empty"
        )
    event_record(
        ticket=ticket,
        kind=EventKind.PERSONAL_DATA_REVEALED,
        actor=viewer,
        to_value=field,
        data={"field": field, "purpose": purpose, "reason": reason},
    )
    return value
