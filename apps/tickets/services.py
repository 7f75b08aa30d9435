"""Writes to withdrawal tickets: each locks the row, checks it, changes it and records the change."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.tickets.events import event_field_changed, event_row_corrected, event_status_changed
from apps.tickets.models import EventKind, TicketStatus, WithdrawalTicket

ASSIGNMENT_FIELDS = ("assignee", "team")
STAFF_EDITABLE_FIELDS = (*ASSIGNMENT_FIELDS, "special_case")


@dataclass(frozen=True)
class RowCorrection:
    """Staff changed `fields` of a row that belongs to a ticket (its letter, an evidence file)."""

    model_name: str
    row_id: int
    fields: list[str]


def ticket_lock_at_version(*, ticket_id: int, expected_version: int | None) -> WithdrawalTicket:
    """Lock the ticket's row until the transaction ends, refusing it if it moved past `expected_version`.

    Call inside a transaction. None (a page that did not say which version it showed) is refused too.
    """
    ticket = (
        WithdrawalTicket.objects.select_for_update(of=("self",))
        .select_related(*STAFF_EDITABLE_FIELDS)
        .get(pk=ticket_id)
    )
    if ticket.version != expected_version:
        raise ApplicationError(
            gettext("This ticket has changed since you opened it. Reload the page and make your "
                    "change again."),
            extra={"code": "stale_version", "version": ticket.version},
        )
    return ticket


@transaction.atomic
def ticket_staff_edit(
    *,
    ticket_id: int,
    expected_version: int,
    changes: Mapping[str, Model | None],
    corrections: Sequence[RowCorrection] = (),
    actor: User,
    actor_label: str = "",
) -> WithdrawalTicket:
    """Apply a staff correction of who holds a ticket (assignee, team) or its special case.

    `changes` maps field names to the new related object (or None). `corrections` are changes the
    caller has already saved to the ticket's own rows; they are recorded and count toward the same
    new version. The whole edit is refused if the ticket is no longer at `expected_version`, so two
    people editing the same page cannot overwrite each other. Returns the ticket as saved.
    """
    not_editable = sorted(set(changes) - set(STAFF_EDITABLE_FIELDS))
    if not_editable:
        raise ApplicationError(
            gettext("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(not_editable)},
            extra={"code": "not_editable", "fields": not_editable},
        )
    ticket = ticket_lock_at_version(ticket_id=ticket_id, expected_version=expected_version)
    changed = {
        name: (getattr(ticket, name), new)
        for name, new in changes.items()
        if getattr(ticket, f"{name}_id") != getattr(new, "pk", None)
    }
    if not changed and not corrections:
        return ticket

    update_fields = [*changed, "version", "updated_at"]
    old_status = ticket.status
    for name, (_old, new) in changed.items():
        setattr(ticket, name, new)
    if "assignee" in changed:
        ticket.assigned_at = clock.now() if ticket.assignee_id else None
        update_fields.append("assigned_at")
        # Who holds the ticket decides whether it is with an agent or back in the queue.
        if ticket.assignee_id is None and ticket.status == TicketStatus.ASSIGNED:
            ticket.status = TicketStatus.RECEIVED
            update_fields.append("status")
        elif ticket.assignee_id is not None and ticket.status == TicketStatus.RECEIVED:
            ticket.status = TicketStatus.ASSIGNED
            update_fields.append("status")
    ticket.version += 1
    ticket.save(update_fields=update_fields)

    for name, (old, new) in changed.items():
        event_field_changed(
            ticket=ticket, kind=EventKind.ASSIGNED if name in ASSIGNMENT_FIELDS else EventKind.NOTE,
            field=name, old=old, new=new, actor=actor, actor_label=actor_label,
        )
    if ticket.status != old_status:
        event_status_changed(
            ticket=ticket, old=old_status, new=ticket.status, actor=actor, actor_label=actor_label
        )
    for correction in corrections:
        event_row_corrected(
            ticket=ticket, model_name=correction.model_name, row_id=correction.row_id,
            fields=correction.fields, actor=actor, actor_label=actor_label,
        )
    return ticket
