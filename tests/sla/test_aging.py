"""Stages by age, the decaying estimate that never rises, and evidence on the odds scale."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.sla.aging import base_estimate, stage_for_age, success_estimate, with_evidence
from tests.sla.clockdata import STAGES


@pytest.mark.parametrize(
    ("age", "stage"),
    [
        (timedelta(0), "preliminary_review"),
        (timedelta(hours=6) - timedelta(seconds=1), "preliminary_review"),
        (timedelta(hours=6), "evidence_check"),
        (timedelta(hours=24) - timedelta(seconds=1), "evidence_check"),
        (timedelta(hours=24), "final_review"),
        (timedelta(hours=72) - timedelta(seconds=1), "final_review"),
        (timedelta(hours=72), "handled"),
        (timedelta(days=400), "handled"),
    ],
)
def test_stage_boundaries_to_the_second(age, stage):
    assert stage_for_age(STAGES, age).code == stage


def test_the_estimate_starts_at_the_entry_rate_and_decays_continuously():
    assert base_estimate(STAGES, timedelta(0)) == pytest.approx(0.92)
    assert base_estimate(STAGES, timedelta(hours=1)) == pytest.approx(0.92 * 0.92)
    assert base_estimate(STAGES, timedelta(minutes=30)) == pytest.approx(0.92 * 0.92**0.5)


def test_entering_the_next_stage_never_raises_the_estimate():
    end_of_preliminary = 0.92 * 0.92**6  # 0.5578 < evidence check's entry rate of 0.65
    assert base_estimate(STAGES, timedelta(hours=6)) == pytest.approx(end_of_preliminary)
    assert base_estimate(STAGES, timedelta(hours=24)) == pytest.approx(0.33)
    assert base_estimate(STAGES, timedelta(hours=30)) == pytest.approx(0.33 * 0.80**0.5)
    assert base_estimate(STAGES, timedelta(hours=72)) == pytest.approx(0.05)
    assert base_estimate(STAGES, timedelta(days=30)) == pytest.approx(0.05)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=200), st.floats(min_value=0, max_value=50))
def test_the_estimate_never_rises_as_time_passes(hours, later_by):
    earlier = base_estimate(STAGES, timedelta(hours=hours))
    later = base_estimate(STAGES, timedelta(hours=hours + later_by))
    assert later <= earlier + 1e-12


def test_a_complete_chain_multiplies_the_odds_by_its_factor():
    p = 0.33
    boosted = with_evidence(p, 3, 3, 4.7)
    assert (boosted / (1 - boosted)) / (p / (1 - p)) == pytest.approx(4.7)
    assert with_evidence(p, 0, 3, 4.7) == p


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=3))
def test_evidence_never_pushes_the_estimate_past_certainty(p, tiers):
    boosted = with_evidence(p, tiers, 3, 4.7)
    assert 0 <= boosted <= 1
    assert boosted >= p - 1e-12


def test_more_tiers_mean_a_higher_estimate():
    values = [
        success_estimate(STAGES, timedelta(hours=10), tiers_present=n, complete_multiplier=4.7)
        for n in range(4)
    ]
    assert values == sorted(values)
    assert len(set(values)) == 4
