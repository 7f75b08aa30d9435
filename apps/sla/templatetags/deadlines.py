"""The one way a page shows a deadline: `{% deadline view %}`, `{% ticket_deadline ticket "decision" %}`.

Each renders a `<time>` carrying the state (`data-deadline`), the exact local moment as its title
and the humanized phrase; static/js/deadlines.js moves only those in the `running` state.
"""

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from apps.core import clock
from apps.sla import presenter
from apps.sla.presenter import DeadlineView
from apps.sla.selectors import TicketDeadline, ticket_deadline, ticket_deadlines
from apps.tickets.models import WithdrawalTicket

register = template.Library()


def deadline_context(view: DeadlineView | None) -> dict[str, Any]:
    """What sla/deadline.html needs to show one deadline, in the active language."""
    if view is None:
        return {"view": None}
    tz = timezone.get_current_timezone()
    due = view.due_at
    return {
        "view": view,
        "state": str(view.state),
        "text": presenter.phrase(view, gettext),
        "title": presenter.hover(view, tz, gettext),
        "tone": presenter.tone(view),
        "iso": due.astimezone(tz).isoformat(timespec="seconds") if due is not None else "",
    }


@register.inclusion_tag("sla/deadline.html")
def deadline(view: DeadlineView | None) -> dict[str, Any]:
    """Show a deadline already read (`ticket_deadlines` rows give `row.view`)."""
    return deadline_context(view)


@register.inclusion_tag("sla/deadline.html", name="ticket_deadline")
def ticket_deadline_badge(ticket: WithdrawalTicket, kind: str) -> dict[str, Any]:
    """Show one deadline of a ticket: "first_contact", "decision" or "resolution"."""
    return deadline_context(ticket_deadline(ticket, kind, now=clock.now()))


@register.simple_tag
def deadlines_of(ticket: WithdrawalTicket) -> list[TicketDeadline]:
    """The ticket's deadlines now, named: `{% deadlines_of ticket as deadlines %}`."""
    return ticket_deadlines(ticket, now=clock.now())


@register.filter
def humanize(value: timedelta | None) -> str:
    """A span as people read it: "2 d 3 h", "3 h 12 min", "under a minute"."""
    return "" if value is None else presenter.humanize(value, gettext)


@register.filter
def exact_time(value: Any) -> str:
    """A moment in the site's time zone, to the minute: "2026-12-03 18:22"."""
    return "" if value is None else presenter.exact(value, timezone.get_current_timezone())
