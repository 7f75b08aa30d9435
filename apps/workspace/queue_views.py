"""The queue page: tabs with their counts, filters, search, the sort, saved views."""

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import AgentProfile, User
from apps.core import clock
from apps.core.converters import id_from_text
from apps.core.errors import ApplicationError
from apps.policy.models import ComplaintType, Platform, SpecialCase
from apps.tickets.models import QUEUE_STATUSES
from apps.workspace.access import agent_required, workspace_render
from apps.workspace.queue import (
    PAGE_SIZE,
    SORT_COLUMNS,
    SORT_LOSS,
    Tab,
    count_label,
    filters_from,
    queue_page,
    search_page,
    tab_counts,
)
from apps.workspace.saved_views import saved_view_delete, saved_view_save, saved_views_of, view_query


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _with(params: QueryDict, **values: Any) -> str:
    copy = params.copy()
    for key, value in values.items():
        if value is None:
            copy.pop(key, None)
        else:
            copy[key] = value
    return copy.urlencode()


def _sort_links(params: QueryDict, sort: str, descending: bool) -> dict[str, dict[str, str]]:
    """For each sortable column: the query that sorts by it (again: the other way) and its state."""
    base = params.copy()
    base.pop("after", None)
    loss_state = "descending" if sort == SORT_LOSS else ""
    links = {SORT_LOSS: {"query": _with(base, sort=None, dir=None), "state": loss_state}}
    for key in SORT_COLUMNS:
        if key == sort:
            links[key] = {
                "query": _with(base, sort=key, dir="asc" if descending else "desc"),
                "state": "descending" if descending else "ascending",
            }
        else:
            links[key] = {"query": _with(base, sort=key, dir=None), "state": ""}
    return links


@agent_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue: mine, unassigned, my team's and all I may see, filtered, searched and ordered."""
    user = _me(request)
    default_tab = Tab.MINE if AgentProfile.objects.filter(user=user).exists() else Tab.ALL
    filters = filters_from(request.GET, default_tab=default_tab)
    now = clock.now()
    size = id_from_text(request.GET.get("size", "")) or PAGE_SIZE
    cursor = request.GET.get("after", "")
    if filters.search:
        page = search_page(user=user, filters=filters, now=now, cursor=cursor, size=size)
    else:
        page = queue_page(user=user, filters=filters, now=now, cursor=cursor, size=size)
    params = request.GET.copy()
    params.pop("after", None)
    supervisor = user.has_perm("tickets.supervise_tickets")
    return workspace_render(request, "workspace/queue.html", {
        "page": page, "filters": filters, "now": now,
        "counts": {
            tab: count_label(count) for tab, count in tab_counts(user=user, filters=filters, now=now).items()
        },
        "query": params.urlencode(),
        "next_query": _with(params, after=page.next_cursor) if page.next_cursor else "",
        "tab_labels": {Tab.MINE: _("Mine"), Tab.UNASSIGNED: _("Unassigned"), Tab.TEAM: _("My team"),
                       Tab.ALL: _("All") if supervisor else _("All I may see")},
        "tab_queries": {tab: _with(params, tab=tab, q=None) for tab in page.tabs},
        "sort_links": _sort_links(params, filters.sort, filters.descending),
        "clear_search": _with(params, q=None),
        "saved_views": saved_views_of(user=user),
        "save_query": view_query(params.urlencode()),
        "platforms": Platform.objects.filter(is_active=True),
        "types": ComplaintType.objects.all(),
        "special_cases": SpecialCase.objects.all(),
        "supervisor": supervisor,
        "queue_statuses": list(QUEUE_STATUSES),
        "agents": (
            User.objects.filter(is_active=True, agent_profile__isnull=False).order_by("display_name")
            if supervisor else []
        ),
    }, nav="queue")


@agent_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the queue as it is shown under a name of the agent's choosing."""
    query = request.POST.get("query", "")
    try:
        saved_view_save(owner=_me(request), name=request.POST.get("name", ""), query=query)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("View saved."))
    return redirect(reverse("workspace:queue") + "?" + view_query(query))


@agent_required
@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    saved_view_delete(owner=_me(request), view_id=pk)
    messages.success(request, _("View deleted."))
    return redirect(reverse("workspace:queue"))
