"""Read the clock's policy from the database into the pure ClockPolicy snapshot."""

from datetime import date
from zoneinfo import ZoneInfo

from apps.core import clock
from apps.policy.models import (
    CalendarOverride,
    CalendarYear,
    ComplaintType,
    EvidenceTier,
    Platform,
    PolicySettings,
    Stage,
)
from apps.sla.aging import StageSpec
from apps.sla.calendar import WorkingCalendar, china_calendar
from apps.sla.deadlines import ClockPolicy, TypeSpec
from apps.sla.hours import ServiceWindow

# The calendar is built for this many years before and after the current one: deadlines reach at
# most a few weeks ahead, tickets at most a year or two back.
CALENDAR_YEARS_BEFORE = 2
CALENDAR_YEARS_AFTER = 2


def stage_specs() -> tuple[StageSpec, ...]:
    return tuple(
        StageSpec(
            code=stage.code,
            starts_at_hour=stage.starts_at_hour,
            ends_at_hour=stage.ends_at_hour,
            entry_rate=float(stage.entry_success_rate),
            decay_rate=float(stage.decay_rate),
            decay_period_hours=stage.decay_period_hours,
        )
        for stage in Stage.objects.order_by("starts_at_hour")
    )


def working_calendar(*, today: date | None = None) -> WorkingCalendar:
    """The official calendar around `today`, with the administrator's overrides on top."""
    year = (today or clock.now().date()).year
    return china_calendar(
        years=range(year - CALENDAR_YEARS_BEFORE, year + CALENDAR_YEARS_AFTER + 1),
        overrides=dict(CalendarOverride.objects.values_list("date", "kind")),
        completed_years=CalendarYear.objects.filter(schedule_complete=True).values_list("year", flat=True),
    )


def clock_policy_load(*, today: date | None = None) -> ClockPolicy:
    """Load every figure the clock uses (about seven small queries)."""
    settings = PolicySettings.objects.get()
    return ClockPolicy(
        window=ServiceWindow(
            opens=settings.service_opens_at,
            closes=settings.service_closes_at,
            tz=ZoneInfo(settings.time_zone),
            open_on_holidays=settings.service_on_holidays,
        ),
        calendar=working_calendar(today=today),
        stages=stage_specs(),
        first_contact_hours=settings.first_contact_hours,
        complete_chain_multiplier=float(settings.complete_chain_odds_multiplier),
        evidence_tiers=EvidenceTier.objects.count(),
        platform_hours=dict(Platform.objects.values_list("code", "longest_handling_hours")),
        types={
            kind.code: TypeSpec(
                code=kind.code,
                withdrawability=kind.withdrawability,
                handling_days_max=kind.handling_days_max,
                frozen_at_once=kind.frozen_at_once,
            )
            for kind in ComplaintType.objects.all()
        },
    )
