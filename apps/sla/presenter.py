"""How a deadline reads: one state, its moment, and the time left, overdue or late. Pure: no Django.

Every page, message and API answer that shows a deadline goes through `deadline_state`, so a
paused deadline is never also "expired" and a first contact made late never reads "done" in green.
Words go through the `gettext` the caller passes (Django's in the app, none in the pure tests), so
this module needs no Django; static/js/deadlines.js repeats `humanize` for the live countdown.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

Translate = Callable[[str], str]

# A running deadline this close reads as urgent (the same hour as the staff's "within the hour").
URGENT_WITHIN = timedelta(hours=1)


def _untranslated(message: str) -> str:
    return message


class DeadlineState(StrEnum):
    RUNNING = "running"  # due in the future, not met yet
    PAUSED = "paused"  # the ticket waits on its requester: the time left is frozen
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    MISSED = "missed"  # passed without being met, ticket open or closed
    NOT_APPLICABLE = "not_applicable"  # no deadline, or the ticket was closed before it mattered


@dataclass(frozen=True)
class DeadlineView:
    """A deadline as people read it. `span` is the time left (running, paused), how long it has been
    overdue (missed: until now, or until the ticket closed) or how late it was met (met late)."""

    state: DeadlineState
    due_at: datetime | None
    met_at: datetime | None = None
    span: timedelta = timedelta(0)

    @property
    def ticks(self) -> bool:
        """Whether a live countdown may move it: only a running deadline does."""
        return self.state == DeadlineState.RUNNING

    @property
    def urgent(self) -> bool:
        return self.state == DeadlineState.RUNNING and self.span <= URGENT_WITHIN


def deadline_state(
    *,
    due_at: datetime | None,
    now: datetime,
    met_at: datetime | None = None,
    paused_since: datetime | None = None,
    closed_at: datetime | None = None,
) -> DeadlineView:
    """The state of one deadline at `now`.

    `met_at`: when what the deadline asks for was done (the first contact, the decision).
    `paused_since`: when the ticket began waiting on its requester, for a deadline that pauses then
    (the decision deadline: its stored moment moves on by the wait once the wait ends).
    `closed_at`: when the ticket was closed without meeting it (decided, cancelled).
    A deadline is passed at its very moment, as the clock's sweep breaches it then.
    """
    if due_at is None:
        return DeadlineView(DeadlineState.NOT_APPLICABLE, None, met_at)
    if met_at is not None:
        if met_at <= due_at:
            return DeadlineView(DeadlineState.MET_ON_TIME, due_at, met_at)
        return DeadlineView(DeadlineState.MET_LATE, due_at, met_at, met_at - due_at)
    if closed_at is not None:
        if closed_at < due_at:
            return DeadlineView(DeadlineState.NOT_APPLICABLE, due_at)
        return DeadlineView(DeadlineState.MISSED, due_at, None, closed_at - due_at)
    if paused_since is not None and paused_since < due_at:
        return DeadlineView(DeadlineState.PAUSED, due_at, None, due_at - paused_since)
    if now < due_at:
        return DeadlineView(DeadlineState.RUNNING, due_at, None, due_at - now)
    return DeadlineView(DeadlineState.MISSED, due_at, None, now - due_at)


def humanize(span: timedelta, gettext: Translate = _untranslated) -> str:
    """A span as people say it, rounded down: "2 d 3 h", "3 h 12 min", "8 min", "under a minute".

    Never "267:22:04" nor "9508 min": days and hours past a day, hours and minutes past an hour.
    """
    _ = gettext
    seconds = max(int(span.total_seconds()), 0)
    if seconds < 60:
        return _("under a minute")
    days, rest = divmod(seconds // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        if hours:
            return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
        return _("%(d)s d") % {"d": days}
    if hours:
        if minutes:
            return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
        return _("%(h)s h") % {"h": hours}
    return _("%(m)s min") % {"m": minutes}


def exact(moment: datetime, tz: tzinfo) -> str:
    """The moment in the service's time zone, to the minute: "2026-12-03 18:22"."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# A moment as JSON stores it (`datetime.isoformat()`): never to be shown as it is.
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")


def parse_moment(value: object) -> datetime | None:
    """A moment given as a datetime or as ISO 8601 text (a naive one is UTC); None for anything else."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and ISO_MOMENT.fullmatch(value.strip()):
        moment = datetime.fromisoformat(value.strip())
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def stored_moment(value: object, tz: tzinfo) -> str:
    """A moment read back from stored data (a datetime or its ISO text), shown as `exact` shows it."""
    moment = parse_moment(value)
    if moment is not None:
        return exact(moment, tz)
    return "" if value is None else str(value)


def phrase(view: DeadlineView, gettext: Translate = _untranslated) -> str:
    """What the deadline says beside its name: "3 h 12 min left", "Overdue by 3 h", "Done on time"."""
    _ = gettext
    span = humanize(view.span, gettext)
    if view.state == DeadlineState.RUNNING:
        return _("%(left)s left") % {"left": span}
    if view.state == DeadlineState.PAUSED:
        return _("Paused, %(left)s left") % {"left": span}
    if view.state == DeadlineState.MISSED:
        return _("Overdue by %(span)s") % {"span": span}
    if view.state == DeadlineState.MET_LATE:
        return _("Done (%(span)s late)") % {"span": span}
    if view.state == DeadlineState.MET_ON_TIME:
        return _("Done on time")
    return _("No longer applies")


def hover(view: DeadlineView, tz: tzinfo, gettext: Translate = _untranslated) -> str:
    """The exact moments behind the phrase, for a title: "Due 2026-12-03 18:22 · done 2026-12-03 19:47"."""
    _ = gettext
    if view.due_at is None:
        return ""
    due = _("Due %(time)s") % {"time": exact(view.due_at, tz)}
    if view.met_at is None:
        return due
    return _("%(due)s · done %(time)s") % {"due": due, "time": exact(view.met_at, tz)}


def tone(view: DeadlineView) -> str:
    """The badge colour of the state (the stylesheets' badge-good / badge-warn / badge-bad)."""
    if view.state == DeadlineState.MISSED:
        return "badge-bad"
    if view.state == DeadlineState.MET_ON_TIME:
        return "badge-good"
    if view.state == DeadlineState.MET_LATE or view.urgent:
        return "badge-warn"
    return ""
