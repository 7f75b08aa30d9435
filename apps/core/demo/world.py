"""What the demo reads once: the policy tables, the service hours, and the shared random generator."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from apps.accounts.models import AgentProfile, User
from apps.accounts.roles import AGENT, REQUESTER, SUPERVISOR
from apps.core.demo.words import GIVEN_NAMES, SURNAMES
from apps.core.errors import ApplicationError
from apps.policy.models import AlternativeRoute, ComplaintType, Platform, PolicySettings, SpecialCase, Stage
from apps.sla.aging import StageSpec, stage_for_age
from apps.sla.calendar import WorkingCalendar
from apps.sla.deadlines import ClockPolicy
from apps.sla.hours import ServiceWindow, received_at
from apps.sla.policy import clock_policy_load

BULK_BATCH_SIZE = 500


@dataclass(frozen=True)
class ServiceHours:
    """The clock's service window and calendar, plus the two look-backs the demo's story needs."""

    window: ServiceWindow
    calendar: WorkingCalendar

    @property
    def tz(self) -> ZoneInfo:
        return self.window.tz

    @property
    def opens(self) -> time:
        return self.window.opens

    @property
    def closes(self) -> time:
        return self.window.closes

    def is_open(self, at: datetime) -> bool:
        return self.window.contains(at, self.calendar)

    def receipt(self, at: datetime) -> datetime:
        """When the clock receives a submission made at `at` (the same rule, apps.sla.hours)."""
        return received_at(at, self.window, self.calendar)

    def opening_on(self, at: datetime) -> datetime:
        """The opening on the local day of `at`."""
        opening = datetime.combine(at.astimezone(self.tz).date(), self.opens, tzinfo=self.tz)
        return opening.astimezone(at.tzinfo)

    def last_closing(self, at: datetime) -> datetime:
        """The latest closing at or before `at` (only asked outside service hours)."""
        local = at.astimezone(self.tz)
        day = local.date() if local.time() >= self.closes else local.date() - timedelta(days=1)
        return datetime.combine(day, self.closes, tzinfo=self.tz).astimezone(at.tzinfo)


@dataclass
class World:
    now: datetime
    rng: Random
    hours: ServiceHours
    settings: PolicySettings
    platforms: list[Platform]
    types: list[ComplaintType]
    stages: list[Stage]
    special_cases: list[SpecialCase]
    routes: list[AlternativeRoute]
    groups: dict[str, Group]
    clock: ClockPolicy
    stage_specs: tuple[StageSpec, ...] = ()
    users: dict[str, User] = field(default_factory=dict)
    profiles: list[AgentProfile] = field(default_factory=list)
    coverage: dict[int, tuple[set[int], set[int]]] = field(default_factory=dict)  # platform, type pks
    requesters: list[User] = field(default_factory=list)

    @classmethod
    def load(cls, *, now: datetime, rng: Random) -> "World":
        settings = PolicySettings.objects.get()
        clock_policy = clock_policy_load(today=now.date())
        hours = ServiceHours(window=clock_policy.window, calendar=clock_policy.calendar)
        stages = list(Stage.objects.order_by("starts_at_hour"))
        platforms = list(Platform.objects.filter(is_active=True).order_by("order", "code"))
        if not stages or not platforms:
            raise ApplicationError("The policy has no stages or no active platform: run migrate first.")
        return cls(
            now=now, rng=rng, hours=hours, settings=settings, platforms=platforms,
            clock=clock_policy, stage_specs=clock_policy.stages,
            types=list(ComplaintType.objects.order_by("order", "code")),
            stages=stages,
            special_cases=list(SpecialCase.objects.prefetch_related("documents").order_by("order", "code")),
            routes=list(AlternativeRoute.objects.order_by("order", "code")),
            groups={g.name: g for g in Group.objects.filter(name__in=[REQUESTER, AGENT, SUPERVISOR])},
        )

    def stage_at(self, filed_at: datetime, at: datetime) -> Stage:
        """The stage the clock puts a complaint filed at `filed_at` in at `at` (apps.sla.aging)."""
        code = stage_for_age(self.stage_specs, at - filed_at).code
        return next(stage for stage in self.stages if stage.code == code)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
