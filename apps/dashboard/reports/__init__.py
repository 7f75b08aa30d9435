"""The dashboard's charts, named in the viewer's language, from the figures of the selectors.

Modules: `open` (open tickets, aging, agent load), `history` (deadlines met, success rate),
`common` (shared series and colours). The lists of urgent deadlines are here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from apps.dashboard.charts import Chart
from apps.dashboard.reports.history import (
    agents_with_history,
    compliance_by,
    compliance_by_day,
    success_by_type,
)
from apps.dashboard.reports.open import agent_load, aging, bucket_labels, open_by_platform
from apps.dashboard.selectors import DECISION, FIRST_CONTACT, DashboardFigures, UrgentDeadline

__all__ = ["UrgentRow", "bucket_labels", "dashboard_charts", "urgent_table"]


def dashboard_charts(figures: DashboardFigures) -> list[Chart]:
    """Every chart of the dashboard, in page order."""
    policy = figures.policy
    agents = agents_with_history(figures)
    usernames: dict[Any, str] = {agent.user_id: agent.username for agent in policy.agents}
    return [
        open_by_platform(figures),
        aging(figures),
        compliance_by_day(figures),
        success_by_type(figures),
        compliance_by(
            figures,
            key="compliance-by-platform",
            dimension="platform",
            title=_("Deadlines met by platform"),
            label=_("Platform"),
            items=list(figures.platforms),
            key_columns=("platform", "platform_name"),
            codes=policy.platform_codes,
        ),
        compliance_by(
            figures,
            key="compliance-by-type",
            dimension="type",
            title=_("Deadlines met by complaint type"),
            label=_("Complaint type"),
            items=list(policy.complaint_types),
            key_columns=("complaint_type", "complaint_type_name"),
            codes=policy.type_codes,
        ),
        compliance_by(
            figures,
            key="compliance-by-agent",
            dimension="agent",
            title=_("Deadlines met by agent"),
            label=_("Agent"),
            items=agents,
            key_columns=("agent", "agent_name"),
            codes={pk: usernames.get(pk, str(pk)) for pk, _name in agents if pk is not None},
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
    # How far past the deadline (breached) or how long before it, whole minutes.
    span: timedelta

    @property
    def minutes(self) -> int:
        return int(self.span.total_seconds() // 60)


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
            span=timedelta(minutes=abs(round((now - row.due_at).total_seconds() / 60))),
        )
        for row in deadlines
    ]
