"""Live pages: what the queue and the case page ask every few seconds, in a fixed number of queries.

The queue asks how many tickets arrived in its tab and filters since it was drawn, and which of the
rows it shows changed. A ticket "arrives" when it enters the queue (`received_at`, set by the clock
when the ticket reaches customer service) or is given to someone (`assigned_at`, so a ticket a
supervisor hands to an agent is new in their "mine" tab); both are on the domain clock, like the
moment the page was drawn. A shown row "changed" when its `version` (raised by every change) is
not the one the page drew, or it left the list.

The case page asks for the ticket's version, the newest message (or note) of its thread, and who
else has it open (apps.workspace.presence). The answers carry their sentences, translated here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, cast

from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import AgentProfile, User
from apps.conversation.models import Message
from apps.core import clock
from apps.core.converters import id_from_text
from apps.core.errors import ApplicationError
from apps.tickets.models import WithdrawalTicket
from apps.tickets.selectors import ticket_get_for_viewer
from apps.workspace.access import agent_required
from apps.workspace.presence import presence_leave, presence_touch
from apps.workspace.queue import (
    MAX_PAGE_SIZE,
    QueueFilters,
    Tab,
    count_label,
    filters_from,
    queue_queryset,
    tab_counts,
)

POLL_SECONDS = 10  # the pages' own interval; here only to say it in the answers


# ------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class QueueChanges:
    arrived: int  # tickets in the tab and filters that arrived since the page was drawn, not shown
    changed: list[int]  # shown ids whose version moved or that left the list
    versions: dict[int, int]  # shown ids still in the list -> their version now


def queue_changes(
    *, user: User, filters: QueueFilters, now: datetime, since: datetime, shown: dict[int, int | None]
) -> QueueChanges:
    """What changed in this queue view since `since`, for the rows `shown` (id -> version drawn).

    Two queries whatever the queue's length (plus the scope's, in `queue_queryset`). A shown row
    with no version is only watched for leaving the list (the page changed it itself, e.g. a claim).
    """
    base = queue_queryset(user=user, filters=filters, now=now)
    arrived = (
        base.filter(Q(received_at__gt=since) | Q(assigned_at__gt=since))
        .exclude(pk__in=list(shown))
        .count()
    )
    versions = dict(base.filter(pk__in=list(shown)).values_list("pk", "version")) if shown else {}
    changed = [
        pk for pk, version in shown.items()
        if pk not in versions or (version is not None and versions[pk] != version)
    ]
    return QueueChanges(arrived=arrived, changed=changed, versions=versions)


@dataclass(frozen=True)
class ThreadChanges:
    newest_message: int | None
    new_messages: int


def thread_changes(*, ticket: WithdrawalTicket, after: int) -> ThreadChanges:
    """The newest message (or note) of the ticket's thread, and how many came after id `after`."""
    row = Message.objects.filter(ticket=ticket).aggregate(
        newest=Max("id"), new=Count("id", filter=Q(id__gt=after))
    )
    return ThreadChanges(newest_message=row["newest"], new_messages=row["new"] or 0)


# ------------------------------------------------------------------------------------ what is said


def _names(names: list[str]) -> str:
    return pgettext("list separator", ", ").join(names)


def arrived_text(count: int) -> str:
    return ngettext("%(count)s new ticket", "%(count)s new tickets", count) % {"count": count}


def changed_text(count: int) -> str:
    return ngettext(
        "%(count)s ticket on this page changed", "%(count)s tickets on this page changed", count
    ) % {"count": count}


def queue_text(changes: QueueChanges) -> str:
    parts = []
    if changes.arrived:
        parts.append(arrived_text(changes.arrived))
    if changes.changed:
        parts.append(changed_text(len(changes.changed)))
    return pgettext("joins two clauses", "; ").join(parts)


def new_messages_text(count: int) -> str:
    return ngettext("%(count)s new message", "%(count)s new messages", count) % {"count": count}


def viewers_text(names: list[str]) -> str:
    if not names:
        return ""
    return ngettext("%(names)s is also viewing", "%(names)s are also viewing", len(names)) % {
        "names": _names(names)
    }


# ------------------------------------------------------------------------------------------- input


def _since(params: QueryDict) -> datetime:
    try:
        moment = datetime.fromisoformat(params.get("since", ""))
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise ApplicationError(
            _("The page did not say when it was drawn: reload it."), extra={"field": "since"}
        )
    return moment


def _shown(params: QueryDict) -> dict[int, int | None]:
    """Read "12:3,15:7,20" (id:version, or a bare id) into {12: 3, 15: 7, 20: None}."""
    shown: dict[int, int | None] = {}
    text = params.get("shown", "")
    for item in text.split(",") if text else []:
        pk_text, _sep, version_text = item.partition(":")
        pk = id_from_text(pk_text)
        version = id_from_text(version_text) if version_text else None
        if pk is None or (version_text and version is None) or len(shown) >= MAX_PAGE_SIZE:
            raise ApplicationError(
                _("The page sent a list of tickets that cannot be read: reload it."), extra={"field": "shown"}
            )
        shown[pk] = version
    return shown


def _queue_filters(request: HttpRequest, user: User) -> QueueFilters:
    """The tab and filters the queue page shows for this query string (as queue_views.queue reads them)."""
    default_tab = Tab.MINE if AgentProfile.objects.filter(user=user).exists() else Tab.ALL
    return filters_from(request.GET, default_tab=default_tab)


# ------------------------------------------------------------------------------------------- views


def live_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Agents only; a signed-out page gets a 403 to stop on, not the login page it cannot read."""
    guarded = agent_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"message": _("You are signed out: reload the page.")}, status=403)
        response = guarded(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_GET
@live_endpoint
def queue_live(request: HttpRequest) -> HttpResponse:
    """How many tickets arrived in this tab and filters since the page was drawn; which shown rows
    changed; how many each tab holds now."""
    user = _me(request)
    try:
        since, shown = _since(request.GET), _shown(request.GET)
    except ApplicationError as error:
        return JsonResponse({"message": error.message, "field": error.extra.get("field", "")}, status=400)
    filters = _queue_filters(request, user)
    if filters.search:  # a search's results are not a queue: nothing arrives in them
        changes = QueueChanges(arrived=0, changed=[], versions={})
    else:
        changes = queue_changes(user=user, filters=filters, now=clock.now(), since=since, shown=shown)
    counts = tab_counts(user=user, filters=filters, now=clock.now())
    return JsonResponse({
        "arrived": changes.arrived,
        "changed": changes.changed,
        "versions": {str(pk): version for pk, version in changes.versions.items()},
        "text": queue_text(changes),
        "counts": {tab: count_label(count) for tab, count in counts.items()},  # the tabs' badges, as drawn
        "poll_seconds": POLL_SECONDS,
    })


def _display_name(user: User) -> str:
    return user.display_name or user.get_username()


@require_GET
@live_endpoint
def case_live(request: HttpRequest, reference: str) -> HttpResponse:
    """The ticket's version, its thread's newest message, and who else is viewing it (recorded here)."""
    user = _me(request)
    ticket = ticket_get_for_viewer(user=user, reference=reference)
    version = id_from_text(request.GET.get("version", ""))
    thread = thread_changes(ticket=ticket, after=id_from_text(request.GET.get("after", "")) or 0)
    viewers = presence_touch(
        ticket_id=ticket.pk, user_id=user.pk, name=_display_name(user), now=clock.now()
    )
    return JsonResponse({
        "version": ticket.version,
        "changed": version is not None and version != ticket.version,
        "newest_message": thread.newest_message,
        "new_messages": thread.new_messages,
        "messages_text": new_messages_text(thread.new_messages) if thread.new_messages else "",
        "viewers": viewers,
        "viewers_text": viewers_text(viewers),
        "poll_seconds": POLL_SECONDS,
    })


@require_POST
@live_endpoint
def case_leave(request: HttpRequest, reference: str) -> HttpResponse:
    """The page is closing: stop showing this viewer to the others at once."""
    ticket = ticket_get_for_viewer(user=_me(request), reference=reference)
    presence_leave(ticket_id=ticket.pk, user_id=_me(request).pk, now=clock.now())
    return HttpResponse(status=204)
