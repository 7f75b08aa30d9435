"""The supervisor dashboard, the CSV export of each of its charts and the ticket-level export.

Every view reads the same filter from the query string (apps.dashboard.filters); a bad filter gets
its message in the viewer's language (the page with the form, an export a plain-text 400).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from io import StringIO
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core import clock
from apps.dashboard import charts
from apps.dashboard.filters import DashboardFilter, filter_parse
from apps.dashboard.models import DashboardExport
from apps.dashboard.reports import dashboard_charts, urgent_table
from apps.dashboard.selectors import (
    SNAPSHOT_MAX_AGE,
    URGENT_LIST_LIMIT,
    DashboardPolicy,
    dashboard_figures,
    dashboard_policy,
    ticket_export_rows,
)
from apps.dashboard.services import dashboard_export_record
from apps.workspace.access import supervisor_required, workspace_render

BOM = "\ufeff"  # so a spreadsheet opens the UTF-8 file with its Chinese intact
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ChartBlock:
    chart: charts.Chart
    svg: str  # drawn for a laptop's width
    svg_narrow: str  # drawn for a phone's width
    table: list[list[str]]


def _filter(request: HttpRequest, policy: DashboardPolicy) -> tuple[DashboardFilter, dict[str, str]]:
    platforms = {code: pk for pk, code in policy.platform_codes.items()}
    today = clock.now().astimezone(policy.tz).date()
    return filter_parse(request.GET, today=today, teams=policy.teams, platforms=platforms)


def _refused(errors: dict[str, str]) -> HttpResponse:
    return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain; charset=utf-8")


def _csv_lines(rows: Iterable[list[charts.Raw]]) -> Iterator[str]:
    """The rows as CSV text, one line at a time, the byte-order mark first."""
    yield BOM
    buffer = StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@supervisor_required
def home(request: HttpRequest) -> HttpResponse:
    """Open tickets, deadlines, success rates, aging and load, each as a chart, for the chosen filter."""
    now = clock.now()
    policy = dashboard_policy()
    chosen, errors = _filter(request, policy)
    context = {
        "policy": policy,
        "chosen": chosen,
        "errors": errors,
        "form": {key: request.GET.get(key, "") for key in ("from", "to", "team", "platform")},
        "platform_choices": [(policy.platform_codes[pk], name) for pk, name in policy.platforms],
        "list_limit": URGENT_LIST_LIMIT,
        "stale_minutes": int(SNAPSHOT_MAX_AGE.total_seconds() // 60),
        "now": now,
    }
    if errors:
        return workspace_render(request, "dashboard/home.html", context, nav="dashboard", status=400)
    figures = dashboard_figures(now=now, chosen=chosen, policy=policy)
    # The SVG is built by apps.dashboard.charts, which escapes every text it writes.
    blocks = [
        ChartBlock(
            chart,
            mark_safe(charts.svg(chart)),  # noqa: S308
            mark_safe(charts.svg(chart, width=charts.NARROW)),  # noqa: S308
            charts.table(chart),
        )
        for chart in dashboard_charts(figures)
    ]
    first_contact, decision, outcome = (
        figures.history.overall(measure) for measure in ("first_contact", "decision", "outcome")
    )
    context |= {
        "figures": figures,
        "blocks": {block.chart.key.replace("-", "_"): block for block in blocks},
        "breached": urgent_table(figures, figures.breached, now),
        "soon": urgent_table(figures, figures.soon, now),
        "first_contact": first_contact,
        "decision": decision,
        "outcome": outcome,
        "baseline": float(policy.baseline_success_rate) * 100,
        "unassigned": figures.open.by_agent.get(None, 0),
        "period_text": _period_text(chosen, figures.history.days),
    }
    return workspace_render(request, "dashboard/home.html", context, nav="dashboard")


@supervisor_required
def export(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's figures as CSV for a spreadsheet: snake_case header, plain numbers, UTF-8 with a BOM."""
    now = clock.now()
    policy = dashboard_policy()
    chosen, errors = _filter(request, policy)
    if errors:
        return _refused(errors)
    figures = dashboard_figures(now=now, chosen=chosen, policy=policy)
    found = {item.key: item for item in dashboard_charts(figures)}.get(chart)
    if found is None:
        raise Http404("No such chart.")
    dashboard_export_record(user=_user(request), what=found.key, chosen=chosen, now=now)
    response = HttpResponse("".join(_csv_lines(charts.raw_table(found))), content_type=CSV_TYPE)
    stamp = figures.as_of.astimezone(figures.tz).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="chehui-{found.key}-{stamp}.csv"'
    return response


@supervisor_required
def tickets_export(request: HttpRequest) -> HttpResponse:
    """Every ticket in the filter, one CSV row each, streamed: memory stays flat for a million rows."""
    now = clock.now()
    policy = dashboard_policy()
    chosen, errors = _filter(request, policy)
    if errors:
        return _refused(errors)
    dashboard_export_record(user=_user(request), what=DashboardExport.TICKETS, chosen=chosen, now=now)
    response = StreamingHttpResponse(
        _csv_lines(ticket_export_rows(chosen=chosen, tz=policy.tz)), content_type=CSV_TYPE
    )
    stamp = now.astimezone(policy.tz).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="chehui-tickets-{stamp}.csv"'
    # The workspace guard is typed for HttpResponse; a streamed response passes through it untouched.
    return response  # type: ignore[return-value]


def _period_text(chosen: DashboardFilter, days: list[date]) -> str:
    if chosen.dated:
        return _("%(start)s to %(end)s") % {"start": days[0].isoformat(), "end": days[-1].isoformat()}
    return _("last %(days)s days") % {"days": len(days)}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # supervisor_required lets only a signed-in user through
