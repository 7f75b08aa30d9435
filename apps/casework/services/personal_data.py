"""Personal data on a ticket: shown masked; revealed only with the permission and a recorded reason."""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.casework.services.common import REVEAL_PERMISSION, refuse
from apps.core.masking import mask_ip, mask_phone
from apps.identity.models import IdentityVerificationAttempt
from apps.tickets.events import event_record
from apps.tickets.models import EventKind, WithdrawalTicket
from apps.tickets.selectors import ticket_visible_to


class PersonalDataField(models.TextChoices):
    REQUESTER_PHONE = "requester_phone", _("requester's mobile number")
    IDENTITY_IP = "identity_ip_address", _("IP address of the identity check")


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


def personal_data_reveal(*, ticket_id: int, viewer: User, field: str, reason: str) -> str:
    """Return one personal-data value unmasked, recording who saw which field and why (not the value).

    Revealing changes nothing on the ticket, so it neither locks it nor raises its version: a
    colleague's open page stays current.
    """
    if not (viewer.is_active and viewer.has_perm(REVEAL_PERMISSION)):
        raise refuse(gettext("You may not reveal personal data."), "forbidden")
    if field not in FIELDS:
        raise refuse(gettext("This is not a personal-data field."), "invalid", field="field")
    reason = reason.strip()
    if not reason:
        raise refuse(
            gettext("Say why you need to see it: the reason is recorded."), "invalid", field="reason"
        )
    ticket = ticket_visible_to(user=viewer).select_related("requester").filter(pk=ticket_id).first()
    if ticket is None:
        raise refuse(gettext("There is no such ticket."), "not_found")
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
        data={"field": field, "reason": reason},
    )
    return value
