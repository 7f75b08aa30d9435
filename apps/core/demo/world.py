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

BULK_BATCH_SIZE = 500


@dataclass(frozen=True)
class ServiceHours:
    """The daily service window; a night submission is received at the next opening."""

    tz: ZoneInfo
    opens: time
    closes: time

    def is_open(self, at: datetime) -> bool:
        return self.opens <= at.astimezone(self.tz).time() < self.closes

    def receipt(self, at: datetime) -> datetime:
        if self.is_open(at):
            return at
        local = at.astimezone(self.tz)
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=self.tz).astimezone(at.tzinfo)

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
    users: dict[str, User] = field(default_factory=dict)
    profiles: list[AgentProfile] = field(default_factory=list)
    coverage: dict[int, tuple[set[int], set[int]]] = field(default_factory=dict)  # platform, type pks
    requesters: list[User] = field(default_factory=list)

    @classmethod
    def load(cls, *, now: datetime, rng: Random) -> "World":
        settings = PolicySettings.objects.get()
        hours = ServiceHours(
            ZoneInfo(settings.time_zone), settings.service_opens_at, settings.service_closes_at
        )
        stages = list(Stage.objects.order_by("starts_at_hour"))
        platforms = list(Platform.objects.filter(is_active=True).order_by("order", "code"))
        if not stages or not platforms:
            raise ApplicationError("The policy has no stages or no active platform: run migrate first.")
        return cls(
            now=now, rng=rng, hours=hours, settings=settings, platforms=platforms,
            types=list(ComplaintType.objects.order_by("order", "code")),
            stages=stages,
            special_cases=list(SpecialCase.objects.prefetch_related("documents").order_by("order", "code")),
            routes=list(AlternativeRoute.objects.order_by("order", "code")),
            groups={g.name: g for g in Group.objects.filter(name__in=[REQUESTER, AGENT, SUPERVISOR])},
        )

    def stage_at(self, filed_at: datetime, at: datetime) -> Stage | None:
        """The stage whose [starts_at_hour, ends_at_hour) holds the complaint's age at `at`."""
        age_hours = (at - filed_at).total_seconds() / 3600
        for stage in self.stages:
            ends = stage.ends_at_hour
            if stage.starts_at_hour <= age_hours and (ends is None or age_hours < ends):
                return stage
        return None

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
