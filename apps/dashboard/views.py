"""The supervisor dashboard and the CSV export of each of its charts."""

import csv
from dataclasses import dataclass
from io import StringIO

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from apps.core import clock
from apps.dashboard import charts
from apps.dashboard.reports import dashboard_charts, urgent_table
from apps.dashboard.selectors import HISTORY_DAYS, SNAPSHOT_MAX_AGE, URGENT_LIST_LIMIT, dashboard_figures
from apps.workspace.access import supervisor_required, workspace_render


@dataclass(frozen=True)
class ChartBlock:
    chart: charts.Chart
    svg: str
    table: list[list[str]]


@supervisor_required
def home(request: HttpRequest) -> HttpResponse:
    """Open tickets, breaches, SLA compliance, success rates, aging and load, each as a chart."""
    now = clock.now()
    figures = dashboard_figures(now=now)
    # The SVG is built by apps.dashboard.charts, which escapes every text it writes.
    blocks = [
        ChartBlock(chart, mark_safe(charts.svg(chart)), charts.table(chart))  # noqa: S308
        for chart in dashboard_charts(figures)
    ]
    first_contact, decision, outcome = (
        figures.history.overall(measure) for measure in ("first_contact", "decision", "outcome")
    )
    return workspace_render(
        request,
        "dashboard/home.html",
        {
            "figures": figures,
            "blocks": {block.chart.key.replace("-", "_"): block for block in blocks},
            "breached": urgent_table(figures, figures.breached, now),
            "soon": urgent_table(figures, figures.soon, now),
            "first_contact": first_contact,
            "decision": decision,
            "outcome": outcome,
            "baseline": float(figures.policy.baseline_success_rate) * 100,
            "unassigned": figures.open.by_agent.get(None, 0),
            "history_days": HISTORY_DAYS,
            "list_limit": URGENT_LIST_LIMIT,
            "stale_minutes": int(SNAPSHOT_MAX_AGE.total_seconds() // 60),
            "now": now,
        },
        nav="dashboard",
    )


@supervisor_required
def export(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's figures as CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese)."""
    now = clock.now()
    figures = dashboard_figures(now=now)
    found = {item.key: item for item in dashboard_charts(figures)}.get(chart)
    if found is None:
        raise Http404("No such chart.")
    buffer = StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(charts.table(found))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = figures.as_of.astimezone(figures.tz).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="chehui-{found.key}-{stamp}.csv"'
    return response
