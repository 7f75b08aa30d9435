"""Charts of the open tickets: by platform and stage, by age, and each agent's load."""

from itertools import pairwise

from django.utils.translation import gettext as _

from apps.dashboard import charts
from apps.dashboard.charts import Chart, Kind, Series
from apps.dashboard.reports.common import stage_colour
from apps.dashboard.selectors import DashboardFigures


def bucket_labels(edges: list[int]) -> list[str]:
    labels = [_("%(start)s–%(end)s h") % {"start": start, "end": end} for start, end in pairwise(edges)]
    return [*labels, _("%(start)s h +") % {"start": edges[-1]}]


def open_by_platform(figures: DashboardFigures) -> Chart:
    platforms = figures.platforms
    codes = figures.policy.platform_codes
    stages = [(stage.id, stage.name, stage.code) for stage in figures.policy.stages]
    if any(stage_id is None for _platform, stage_id in figures.open.by_platform_stage):
        stages.append((None, _("no stage yet"), "no_stage"))  # type: ignore[arg-type]
    return Chart(
        key="open-by-platform",
        kind=Kind.STACKED,
        title=_("Open tickets by platform and stage"),
        description=_(
            "Stacked bars: for each platform, its open tickets split by stage; under each bar, how many "
            "are past a deadline and how many fall due within the hour."
        ),
        category_label=_("Platform"),
        categories=tuple(name for _id, name in platforms),
        series=tuple(
            Series(
                name=name,
                values=tuple(
                    float(figures.open.by_platform_stage.get((platform_id, stage_id), 0))
                    for platform_id, _name in platforms
                ),
                colour=stage_colour(index),
                column=code,
            )
            for index, (stage_id, name, code) in enumerate(stages)
        ),
        total_label=_("Open tickets"),
        notes_label=_("past a deadline / due within the hour"),
        notes=tuple(
            f"{figures.open.breached_by_platform.get(pk, 0)} / {figures.open.soon_by_platform.get(pk, 0)}"
            for pk, _name in platforms
        ),
        empty_text=_("No open tickets."),
        key_columns=("platform", "platform_name"),
        keys=tuple((codes.get(pk, ""), name) for pk, name in platforms),
        total_column="open_tickets",
        extra_columns=(
            ("past_deadline", tuple(figures.open.breached_by_platform.get(pk, 0) for pk, _n in platforms)),
            ("due_within_hour", tuple(figures.open.soon_by_platform.get(pk, 0) for pk, _n in platforms)),
        ),
    )


def aging(figures: DashboardFigures) -> Chart:
    edges = figures.age_edges
    stages = figures.policy.stages

    def stage_index(hour: int) -> int:
        for index, stage in enumerate(stages):
            if stage.starts_at_hour <= hour and (stage.ends_at_hour is None or hour < stage.ends_at_hour):
                return index
        return len(stages) - 1

    colours = tuple(stage_colour(stage_index(edge)) for edge in edges)
    ends: list[int | None] = [*edges[1:], None]
    return Chart(
        key="aging",
        kind=Kind.BARS,
        title=_("Open tickets by age of the complaint"),
        description=_(
            "Bars: open tickets by hours since the complaint was filed. Each stage's time window is split "
            "into shorter spans, and each bar has its stage's colour."
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
                column="open_tickets",
            ),
        ),
        legend=tuple((stage.name, stage_colour(index)) for index, stage in enumerate(stages)),
        empty_text=_("No open tickets."),
        key_columns=("hours_from", "hours_to"),
        keys=tuple(zip(edges, ends, strict=True)),
        extra_columns=(("stage", tuple(stages[stage_index(edge)].code if stages else "" for edge in edges)),),
    )


def agent_load(figures: DashboardFigures) -> Chart:
    agents = figures.agents
    loads = [figures.open.by_agent.get(agent.user_id, 0) for agent in agents]
    flagged = tuple(load >= agent.max_open_tickets for load, agent in zip(loads, agents, strict=True))
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
                column="max_open_tickets",
            ),
            Series(
                _("Open tickets held"),
                tuple(float(load) for load in loads),
                charts.BRAND,
                column="open_tickets",
            ),
        ),
        flagged=flagged,
        empty_text=_("No agents yet."),
        key_columns=("agent", "agent_name"),
        keys=tuple((agent.username, agent.name) for agent in agents),
        extra_columns=(("at_limit", tuple(int(flag) for flag in flagged)),),
    )
