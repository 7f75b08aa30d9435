"""Draw the clock's success curves into docs/clock-curves.png.

matplotlib is not a project dependency; install it into the virtualenv first, then run the script
from anywhere (it needs no Django settings: apps.sla.aging is pure):

    .venv/bin/pip install matplotlib
    .venv/bin/python docs/plot_clock.py

Top: no evidence. Bottom: a complete evidence chain (odds x the multiplier). In each, the dashed
lines are each stage's own curve inside its window, and the thick line is the estimate shown,
the lowest point the curve has reached so far. The figures are the default policy's, as the
pure-clock tests use them (tests/sla/clockdata.py).
"""

import math
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from apps.sla.aging import StageSpec, base_estimate, with_evidence  # noqa: E402
from tests.sla.clockdata import POLICY  # noqa: E402

OUTPUT = ROOT / "docs" / "clock-curves.png"
HOURS = 96
STEPS_PER_HOUR = 20
# A stage band narrower than this gets its name on two lines.
NARROW_STAGE_HOURS = 12
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f")
NAMES = {
    "preliminary_review": "preliminary review",
    "evidence_check": "evidence check",
    "final_review": "final review",
    "handled": "handled",
}


def _scaled(probability: float, tiers: int) -> float:
    return with_evidence(probability, tiers, POLICY.evidence_tiers, POLICY.complete_chain_multiplier)


def _stage_curve(stage: StageSpec, tiers: int) -> tuple[list[float], list[float]]:
    end = HOURS if stage.ends_at_hour is None else stage.ends_at_hour
    steps = (end - stage.starts_at_hour) * STEPS_PER_HOUR
    xs = [stage.starts_at_hour + i / STEPS_PER_HOUR for i in range(steps + 1)]
    return xs, [_scaled(stage.rate_after(x - stage.starts_at_hour), tiers) for x in xs]


def _panel(axis: plt.Axes, tiers: int, title: str) -> None:
    stages = sorted(POLICY.stages, key=lambda stage: stage.starts_at_hour)
    for index, stage in enumerate(stages):
        colour = COLOURS[index % len(COLOURS)]
        end = HOURS if stage.ends_at_hour is None else stage.ends_at_hour
        if index % 2:
            axis.axvspan(stage.starts_at_hour, end, color="#f2f2f2", zorder=0)
        xs, ys = _stage_curve(stage, tiers)
        axis.plot(
            xs,
            ys,
            linestyle=(0, (4, 2)),
            linewidth=1.8,
            color=colour,
            zorder=6,
            label=f"{NAMES.get(stage.code, stage.code)}: the stage's own curve",
        )
        name = NAMES.get(stage.code, stage.code)
        if end - stage.starts_at_hour < NARROW_STAGE_HOURS:
            name = name.replace(" ", "\n")
        axis.text(
            (stage.starts_at_hour + end) / 2,
            1.01,
            name,
            ha="center",
            va="bottom",
            transform=axis.get_xaxis_transform(),
            fontsize=9.5,
            color=colour,
            fontweight="bold",
        )
        if stage.starts_at_hour:
            axis.axvline(stage.starts_at_hour, color="#555555", linewidth=0.8, linestyle=":")
    xs = [i / STEPS_PER_HOUR for i in range(HOURS * STEPS_PER_HOUR + 1)]
    shown = [_scaled(base_estimate(stages, timedelta(hours=x)), tiers) for x in xs]
    axis.plot(
        xs,
        shown,
        color="black",
        linewidth=5,
        alpha=0.3,
        solid_capstyle="butt",
        zorder=5,
        label="estimate shown: the lowest point so far",
    )
    axis.axvline(POLICY.first_contact_hours, color="#d62728", linewidth=0.8, linestyle="-.")
    axis.text(
        POLICY.first_contact_hours + 0.6,
        0.04,
        f"contact due\n({POLICY.first_contact_hours} h)",
        fontsize=8,
        color="#d62728",
        va="bottom",
    )
    _annotate(axis, stages, tiers)
    axis.set_xlim(0, HOURS)
    axis.set_ylim(0, 1)
    axis.set_xticks(range(0, HOURS + 1, 6))
    axis.set_yticks([i / 10 for i in range(11)])
    axis.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axis.grid(True, color="#dddddd", linewidth=0.6)
    axis.set_ylabel("estimated chance of withdrawal")
    axis.text(0.5, 0.05, title, transform=axis.transAxes, ha="center", fontsize=11, fontweight="bold")
    axis.legend(loc="upper right", bbox_to_anchor=(1.0, 0.93), fontsize=8, framealpha=0.95)


def _annotate(axis: plt.Axes, stages: list[StageSpec], tiers: int) -> None:
    """Mark each stage entry where the shown estimate stays below the stage's own entry rate."""
    for stage in stages[1:]:
        at = stage.starts_at_hour
        shown = _scaled(base_estimate(stages, timedelta(hours=at)), tiers)
        own = _scaled(stage.entry_rate, tiers)
        before = _scaled(base_estimate(stages, timedelta(hours=at) - timedelta(microseconds=1)), tiers)
        axis.plot([at], [shown], marker="o", color="black", markersize=4, zorder=7)
        axis.annotate(f"{shown:.3f}", (at, shown), textcoords="offset points", xytext=(5, -12), fontsize=8)
        if before > shown + 1e-9:
            axis.annotate(
                f"{before:.3f}",
                (at, before),
                textcoords="offset points",
                xytext=(-30, 10),
                fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                zorder=8,
            )
        if own > shown + 1e-9 and stage.decay_rate and stage.decay_period_hours:
            # The shown line stays flat until the stage's own curve falls below it.
            periods = math.log(base_estimate(stages, timedelta(hours=at)) / stage.entry_rate) / math.log(
                1 - stage.decay_rate
            )
            meets = at + periods * stage.decay_period_hours
            axis.annotate(
                f"flat at {shown:.3f} until {meets:.1f} h",
                (meets, shown),
                textcoords="offset points",
                xytext=(8, 10),
                fontsize=8,
                arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.7},
            )


def main() -> None:
    figure, (plain, complete) = plt.subplots(2, 1, figsize=(12, 9.5), sharex=True)
    _panel(plain, 0, "No evidence")
    _panel(
        complete,
        POLICY.evidence_tiers,
        f"Complete evidence chain ({POLICY.evidence_tiers} of {POLICY.evidence_tiers} tiers: "
        f"odds x {POLICY.complete_chain_multiplier:g})",
    )
    complete.set_xlabel("hours since the complaint was filed")
    figure.suptitle("Chehui clock: stages by the complaint's age, and the success estimate", fontsize=13)
    figure.tight_layout()
    figure.savefig(OUTPUT, dpi=110)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
