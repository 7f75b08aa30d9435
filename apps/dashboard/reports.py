"""The dashboard's charts, named in the viewer's language, from the figures of the selectors."""

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.dashboard.charts import Chart, Kind, Reference, Series
from apps.dashboard.selectors import (
    DECISION,
    FIRST_CONTACT,
    OUTCOME,
    DashboardFigures,
    Rate,
    UrgentDeadline,
)

FIRST_CONTACT_COLOUR = charts.BRAND
DECISION_COLOUR = "#d97706"


def _stage_colour(index: int) -> str:
    return charts.STAGE_PALETTE[index % len(charts.STAGE_PALETTE)]


def _percent(rate: Rate) -> float | None:
    return rate.percent


def _fraction(*rates: Rate) -> str:
    return " · ".join(f"{rate.good}/{rate.counted}" for rate in rates)


def bucket_labels(edges: list[int]) -> list[str]:
    labels = [_("%(start)s–%(end)s h") % {"start": start, "end": end} for start, end in pairwise(edges)]
    return [*labels, _("%(start)s h +") % {"start": edges[-1]}]


def open_by_platform(figures: DashboardFigures) -> Chart:
    policy = figures.policy
    stages = [(stage.id, stage.name) for stage in policy.stages]
    if any(stage_id is None for _platform, stage_id in figures.open.by_platform_stage):
        stages.append((None, _("no stage yet")))  # type: ignore[arg-type]
    return Chart(
        key="open-by-platform",
        kind=Kind.STACKED,
        title=_("Open tickets by platform and stage"),
        description=_(
            "Stacked bars: for each platform, its open tickets split by the stage of the complaint; "
            "under each bar, how many are past a deadline and how many fall due within the hour."
        ),
        category_label=_("Platform"),
        categories=tuple(name for _id, name in policy.platforms),
        series=tuple(
            Series(
                name=name,
                values=tuple(
                    float(figures.open.by_platform_stage.get((platform_id, stage_id), 0))
                    for platform_id, _name in policy.platforms
                ),
                colour=_stage_colour(index),
            )
            for index, (stage_id, name) in enumerate(stages)
        ),
        total_label=_("Open tickets"),
        notes_label=_("breached / due within the hour"),
        notes=tuple(
            f"{figures.open.breached_by_platform.get(pk, 0)} / {figures.open.soon_by_platform.get(pk, 0)}"
            for pk, _name in policy.platforms
        ),
        empty_text=_("No open tickets."),
    )


def aging(figures: DashboardFigures) -> Chart:
    edges = figures.age_edges
    stages = figures.policy.stages

    def stage_index(hour: int) -> int:
        for index, stage in enumerate(stages):
            if stage.starts_at_hour <= hour and (stage.ends_at_hour is None or hour < stage.ends_at_hour):
                return index
        return len(stages) - 1

    colours = tuple(_stage_colour(stage_index(edge)) for edge in edges)
    return Chart(
        key="aging",
        kind=Kind.BARS,
        title=_("Open tickets by age of the complaint"),
        description=_(
            "Histogram of open tickets by hours since the complaint was filed; the buckets follow the "
            "stage boundaries and each stage's decay period, and each bar has its stage's colour."
        ),
        category_label=_("Hours since the complaint was filed"),
        categories=tuple(bucket_labels(edges)),
        series=(
            Series(
                name=_("Open tickets"),
                values=tuple(
                    float(figures.open.by_bucket.get(number, 0)) for number in range(1, len(edges) + 1)
                ),
                colours=colours,
            ),
        ),
        legend=tuple((stage.name, _stage_colour(index)) for index, stage in enumerate(stages)),
        empty_text=_("No open tickets."),
    )


def _compliance_series(figures: DashboardFigures, dimension: str, keys: list[object]) -> tuple[Series, ...]:
    hours = figures.policy.first_contact_hours
    return (
        Series(
            name=_("First contact within %(hours)s h") % {"hours": hours},
            values=tuple(_percent(figures.history.rate(FIRST_CONTACT, dimension, key)) for key in keys),
            colour=FIRST_CONTACT_COLOUR,
        ),
        Series(
            name=_("Decision within the platform's limit"),
            values=tuple(_percent(figures.history.rate(DECISION, dimension, key)) for key in keys),
            colour=DECISION_COLOUR,
        ),
    )


def compliance_by_day(figures: DashboardFigures) -> Chart:
    days = figures.history.days
    return Chart(
        key="compliance-by-day",
        kind=Kind.LINE,
        title=_("SLA compliance by day"),
        description=_(
            "Two lines over the last %(days)s days: the share of first-contact deadlines and of decision "
            "deadlines falling due that day that were met. A gap means no deadline fell due."
        )
        % {"days": len(days)},
        category_label=_("Day"),
        categories=tuple(day.strftime("%m-%d") for day in days),
        series=_compliance_series(figures, "day", list(days)),
        unit="%",
        empty_text=_("No deadline fell due in these days."),
    )


def _compliance_by(
    figures: DashboardFigures,
    *,
    key: str,
    dimension: str,
    title: str,
    label: str,
    items: list[tuple[object, str]],
) -> Chart:
    keys = [pk for pk, _name in items]
    return Chart(
        key=key,
        kind=Kind.HBARS,
        title=title,
        description=_(
            "Pairs of bars: the share of first-contact and of decision deadlines met in the last %(days)s "
            "days; the figures under each name are met/counted for each deadline."
        )
        % {"days": len(figures.history.days)},
        category_label=label,
        categories=tuple(name for _pk, name in items),
        series=_compliance_series(figures, dimension, keys),
        unit="%",
        notes_label=_("met/counted: first contact · decision"),
        notes=tuple(
            _fraction(
                figures.history.rate(FIRST_CONTACT, dimension, pk),
                figures.history.rate(DECISION, dimension, pk),
            )
            for pk in keys
        ),
        empty_text=_("No deadline fell due in these days."),
    )


def _agents_with_history(figures: DashboardFigures) -> list[tuple[object, str]]:
    """Agents with a profile, then anyone else who held tickets, then the unassigned."""
    names = {agent.user_id: agent.name for agent in figures.policy.agents}
    seen: set[int | None] = set()
    for measure in (FIRST_CONTACT, DECISION):
        seen.update(figures.history.rates.get(measure, {}).get("agent", {}))
    items: list[tuple[object, str]] = [(pk, name) for pk, name in names.items() if pk in seen]
    items += [(pk, _("user #%(id)s") % {"id": pk}) for pk in sorted(k for k in seen if k and k not in names)]
    if None in seen:
        items.append((None, _("unassigned")))
    return items


def success_by_type(figures: DashboardFigures) -> Chart:
    policy = figures.policy
    items: list[tuple[object, str]] = [(None, _("All types")), *policy.complaint_types]
    rates = [
        figures.history.overall(OUTCOME),
        *(figures.history.rate(OUTCOME, "type", pk) for pk, _name in policy.complaint_types),
    ]
    references = [Reference(_("Article's baseline"), float(policy.baseline_success_rate) * 100, charts.MUTED)]
    if policy.official_route_rate is not None:
        references.append(
            Reference(
                _("%(route)s (article)") % {"route": policy.official_route_name},
                float(policy.official_route_rate) * 100,
                charts.GOOD,
            )
        )
    return Chart(
        key="success-by-type",
        kind=Kind.HBARS,
        title=_("Withdrawal success rate by complaint type"),
        description=_(
            "Bars: approved tickets as a share of the tickets decided in the last %(days)s days, by "
            "complaint "
            "type; dashed lines: the article's baseline and the success rate of official customer service."
        )
        % {"days": len(figures.history.days)},
        category_label=_("Complaint type"),
        categories=tuple(name for _pk, name in items),
        series=(Series(name=_("Approved of decided"), values=tuple(rate.percent for rate in rates)),),
        unit="%",
        notes_label=_("approved/decided"),
        notes=tuple(_fraction(rate) for rate in rates),
        references=tuple(references),
        empty_text=_("No ticket was decided in these days."),
    )


def agent_load(figures: DashboardFigures) -> Chart:
    agents = figures.policy.agents
    loads = [figures.open.by_agent.get(agent.user_id, 0) for agent in agents]
    return Chart(
        key="agent-load",
        kind=Kind.LOAD,
        title=_("Agent load"),
        description=_(
            "For each agent, the open tickets they hold drawn over the grey bar of the most they may hold "
            "at once; an agent at or over the limit is drawn in red."
        ),
        category_label=_("Agent"),
        categories=tuple(agent.name for agent in agents),
        series=(
            Series(
                _("Most open tickets at once"),
                tuple(float(agent.max_open_tickets) for agent in agents),
                charts.TRACK,
            ),
            Series(_("Open tickets held"), tuple(float(load) for load in loads), charts.BRAND),
        ),
        flagged=tuple(load >= agent.max_open_tickets for load, agent in zip(loads, agents, strict=True)),
        empty_text=_("No agents yet."),
    )


def dashboard_charts(figures: DashboardFigures) -> list[Chart]:
    """Every chart of the dashboard, in page order."""
    policy = figures.policy
    return [
        open_by_platform(figures),
        aging(figures),
        compliance_by_day(figures),
        success_by_type(figures),
        _compliance_by(
            figures,
            key="compliance-by-platform",
            dimension="platform",
            title=_("SLA compliance by platform"),
            label=_("Platform"),
            items=list(policy.platforms),
        ),
        _compliance_by(
            figures,
            key="compliance-by-type",
            dimension="type",
            title=_("SLA compliance by complaint type"),
            label=_("Complaint type"),
            items=list(policy.complaint_types),
        ),
        _compliance_by(
            figures,
            key="compliance-by-agent",
            dimension="agent",
            title=_("SLA compliance by agent"),
            label=_("Agent"),
            items=_agents_with_history(figures),
        ),
        agent_load(figures),
    ]


@dataclass(frozen=True)
class UrgentRow:
    deadline: UrgentDeadline
    deadline_label: str
    platform: str
    stage: str
    assignee: str
    minutes: int  # minutes past the deadline (breached) or left before it


def urgent_table(
    figures: DashboardFigures, deadlines: list[UrgentDeadline], now: datetime
) -> list[UrgentRow]:
    platforms = dict(figures.policy.platforms)
    stages = {stage.id: stage.name for stage in figures.policy.stages}
    agents = {agent.user_id: agent.name for agent in figures.policy.agents}
    labels = {FIRST_CONTACT: _("first contact"), DECISION: _("decision")}
    return [
        UrgentRow(
            deadline=row,
            deadline_label=labels[row.deadline],
            platform=platforms.get(row.platform_id, "–"),
            stage=stages.get(row.stage_id, "–") if row.stage_id else "–",
            assignee=agents.get(row.assignee_id, _("unassigned")) if row.assignee_id else _("unassigned"),
            minutes=abs(round((now - row.due_at).total_seconds() / 60)),
        )
        for row in deadlines
    ]
