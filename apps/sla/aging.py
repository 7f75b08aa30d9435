"""Stages by a complaint's age, and the success estimate that decays inside each stage.

Pure: no Django. The estimate starts a stage at its entry rate and falls multiplicatively and
continuously by the stage's decay rate per period. What is shown never rises as time passes: it
is the lowest value the curve has reached so far. Evidence then scales it on the odds scale, so
a complete chain multiplies the odds (not the probability) and nothing exceeds 100 %.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

HOUR = 3600.0


@dataclass(frozen=True)
class StageSpec:
    code: str
    starts_at_hour: int
    ends_at_hour: int | None
    entry_rate: float
    decay_rate: float
    decay_period_hours: int | None

    def contains(self, age_hours: float) -> bool:
        return self.starts_at_hour <= age_hours and (
            self.ends_at_hour is None or age_hours < self.ends_at_hour
        )

    def rate_after(self, hours_in_stage: float) -> float:
        """The curve's value `hours_in_stage` after entering the stage."""
        if not self.decay_rate or not self.decay_period_hours:
            return self.entry_rate
        periods = max(hours_in_stage, 0.0) / self.decay_period_hours
        return self.entry_rate * (1.0 - self.decay_rate) ** periods

    @property
    def exit_rate(self) -> float:
        if self.ends_at_hour is None:
            return self.rate_after(math.inf) if self.decay_rate else self.entry_rate
        return self.rate_after(self.ends_at_hour - self.starts_at_hour)

    def hourly_loss(self, hours_in_stage: float) -> float:
        """How much estimate an hour of waiting costs at this point (absolute, 0..1)."""
        return self.rate_after(hours_in_stage) - self.rate_after(hours_in_stage + 1.0)


def age_hours(age: timedelta) -> float:
    return age.total_seconds() / HOUR


def stage_for_age(stages: Sequence[StageSpec], age: timedelta) -> StageSpec:
    """Return the stage whose window [starts, ends) holds the age; before filing counts as the first."""
    hours = max(age_hours(age), 0.0)
    for stage in stages:
        if stage.contains(hours):
            return stage
    raise ValueError(f"no stage covers an age of {hours:.2f} hours: check the stage windows")


def base_estimate(stages: Sequence[StageSpec], age: timedelta) -> float:
    """The lowest point of the success curve from filing until `age` (it never rises with time)."""
    hours = max(age_hours(age), 0.0)
    lowest = 1.0
    for stage in sorted(stages, key=lambda s: s.starts_at_hour):
        if hours < stage.starts_at_hour:
            break
        if stage.contains(hours):
            lowest = min(lowest, stage.rate_after(hours - stage.starts_at_hour))
            break
        lowest = min(lowest, stage.exit_rate)
    return lowest


def with_evidence(
    probability: float, tiers_present: int, tiers_total: int, complete_multiplier: float
) -> float:
    """Scale a probability by the evidence on the odds scale.

    A complete chain multiplies the odds by `complete_multiplier`; a partial chain by the same
    multiplier to the power of the share of tiers present (none: ×1).
    """
    if tiers_total <= 0 or tiers_present <= 0 or probability <= 0.0:
        return probability
    if probability >= 1.0:
        return 1.0
    multiplier = complete_multiplier ** (min(tiers_present, tiers_total) / tiers_total)
    odds = probability / (1.0 - probability) * multiplier
    return odds / (1.0 + odds)


def success_estimate(
    stages: Sequence[StageSpec],
    age: timedelta,
    *,
    tiers_present: int = 0,
    tiers_total: int = 3,
    complete_multiplier: float = 1.0,
) -> float:
    """The estimate shown for a complaint of this age with this much evidence, 0..1."""
    return with_evidence(base_estimate(stages, age), tiers_present, tiers_total, complete_multiplier)
