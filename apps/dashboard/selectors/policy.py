"""The policy rows the dashboard names and measures by, and the teams it can be cut by."""

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.accounts.models import AgentProfile, Team
from apps.dashboard.selectors.common import MAX_BUCKETS_PER_STAGE, OFFICIAL_CUSTOMER_SERVICE
from apps.policy.models import AlternativeRoute, ComplaintType, Platform, PolicySettings, Stage


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    starts_at_hour: int
    ends_at_hour: int | None
    decay_period_hours: int | None
    code: str = ""


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    max_open_tickets: int
    accepts_assignments: bool
    username: str = ""
    team_id: int | None = None


@dataclass(frozen=True)
class DashboardPolicy:
    tz: ZoneInfo
    first_contact_hours: int
    baseline_success_rate: Decimal
    official_route_name: str | None
    official_route_rate: Decimal | None
    platforms: list[tuple[int, str]]
    stages: list[StageRow]
    complaint_types: list[tuple[int, str]]
    agents: list[AgentRow]
    platform_codes: dict[int, str]
    type_codes: dict[int, str]
    teams: list[tuple[int, str]]

    @property
    def age_edges(self) -> list[int]:
        return age_bucket_edges(self.stages)


def dashboard_policy() -> DashboardPolicy:
    """The policy rows the dashboard names and measures by, in the viewer's language (six queries)."""
    settings = PolicySettings.objects.only(
        "time_zone", "first_contact_hours", "baseline_withdrawal_success_rate"
    ).get()
    route = AlternativeRoute.objects.filter(code=OFFICIAL_CUSTOMER_SERVICE).first()
    profiles = AgentProfile.objects.select_related("user").order_by("user__display_name", "user__username")
    platforms = list(Platform.objects.all())
    kinds = list(ComplaintType.objects.all())
    return DashboardPolicy(
        tz=ZoneInfo(settings.time_zone),
        first_contact_hours=settings.first_contact_hours,
        baseline_success_rate=settings.baseline_withdrawal_success_rate,
        official_route_name=str(route) if route else None,
        official_route_rate=route.success_rate if route else None,
        platforms=[(platform.pk, str(platform)) for platform in platforms],
        stages=[
            StageRow(
                stage.pk,
                str(stage),
                stage.starts_at_hour,
                stage.ends_at_hour,
                stage.decay_period_hours,
                stage.code,
            )
            for stage in Stage.objects.order_by("starts_at_hour")
        ],
        complaint_types=[(kind.pk, str(kind)) for kind in kinds],
        agents=[
            AgentRow(
                profile.user_id,
                str(profile.user),
                profile.max_open_tickets,
                profile.accepts_assignments,
                profile.user.username,
                profile.team_id,
            )
            for profile in profiles
        ],
        platform_codes={platform.pk: platform.code for platform in platforms},
        type_codes={kind.pk: kind.code for kind in kinds},
        teams=list(Team.objects.values_list("id", "name")),
    )


def age_bucket_edges(stages: list[StageRow]) -> list[int]:
    """Hour edges of the aging histogram: every stage boundary, each stage cut into its decay periods.

    A stage longer than MAX_BUCKETS_PER_STAGE periods is cut into that many equal parts; the last,
    open-ended stage gets two day-wide buckets and then one for everything older.
    """
    edges: set[int] = set()
    for stage in stages:
        start, end = stage.starts_at_hour, stage.ends_at_hour
        edges.add(start)
        if end is None:
            edges.update((start + 24, start + 48))
            continue
        length = end - start
        period = stage.decay_period_hours or length
        parts = min(max(length // period, 1), MAX_BUCKETS_PER_STAGE)
        step = length / parts
        edges.update(start + round(step * part) for part in range(parts))
        edges.add(end)
    return sorted(edges)
