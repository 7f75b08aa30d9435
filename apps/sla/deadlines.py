"""A ticket's clock: receipt, stage and the four deadlines, computed from policy. Pure: no Django."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from apps.sla.aging import StageSpec, stage_for_age, success_estimate
from apps.sla.calendar import WorkingCalendar
from apps.sla.hours import ServiceWindow, received_at, working_days_after


@dataclass(frozen=True)
class TypeSpec:
    code: str
    withdrawability: str
    handling_days_max: int
    frozen_at_once: bool


@dataclass(frozen=True)
class ClockPolicy:
    """Everything the clock needs, read from the policy tables once (see apps.sla.policy)."""

    window: ServiceWindow
    calendar: WorkingCalendar
    stages: tuple[StageSpec, ...]
    first_contact_hours: int
    complete_chain_multiplier: float
    evidence_tiers: int
    platform_hours: Mapping[str, int]
    types: Mapping[str, TypeSpec]

    def stage(self, code: str) -> StageSpec:
        return next(stage for stage in self.stages if stage.code == code)


@dataclass(frozen=True)
class TicketClock:
    received_at: datetime
    stage: StageSpec
    stage_entered_at: datetime
    stage_ends_at: datetime | None
    success_estimate: float
    first_contact_due_at: datetime
    decision_due_at: datetime
    complaint_resolution_at: datetime
    provisional: bool


def stage_window(stage: StageSpec, filed_at: datetime) -> tuple[datetime, datetime | None]:
    """When the complaint filed at `filed_at` enters and leaves `stage`."""
    ends = None if stage.ends_at_hour is None else filed_at + timedelta(hours=stage.ends_at_hour)
    return filed_at + timedelta(hours=stage.starts_at_hour), ends


def ticket_clock(
    policy: ClockPolicy,
    *,
    platform: str,
    complaint_type: str,
    filed_at: datetime,
    submitted_at: datetime,
    at: datetime | None = None,
    tiers_present: int = 0,
    paused: timedelta = timedelta(0),
) -> TicketClock:
    """Compute a ticket's clock; the stage and estimate are those at `at` (default: its receipt).

    A stored ticket passes `at=now` (its stage now); the preview leaves it out to show what the
    complaint will look like when customer service receives it.
    """
    received = received_at(submitted_at, policy.window, policy.calendar)
    moment = received if at is None else at
    stage = stage_for_age(policy.stages, moment - filed_at)
    entered, ends = stage_window(stage, filed_at)
    kind = policy.types[complaint_type]
    complaint_received = received_at(filed_at, policy.window, policy.calendar)
    resolution = working_days_after(
        complaint_received,
        0 if kind.frozen_at_once else kind.handling_days_max,
        policy.window,
        policy.calendar,
    )
    return TicketClock(
        received_at=received,
        stage=stage,
        stage_entered_at=entered,
        stage_ends_at=ends,
        success_estimate=success_estimate(
            policy.stages,
            moment - filed_at,
            tiers_present=tiers_present,
            tiers_total=policy.evidence_tiers,
            complete_multiplier=policy.complete_chain_multiplier,
        ),
        first_contact_due_at=filed_at + timedelta(hours=policy.first_contact_hours),
        decision_due_at=received + timedelta(hours=policy.platform_hours[platform]) + paused,
        complaint_resolution_at=resolution.at,
        provisional=resolution.provisional,
    )
