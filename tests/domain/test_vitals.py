"""Practice vitals thresholds: plausible bounds and no contradictions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tracker.domain.vitals import (
    DEFAULT_THRESHOLDS,
    THRESHOLD_BOUNDS,
    VitalsThresholds,
    threshold_problems,
)

BETWEEN = "Must be between %(low)s and %(high)s."


def test_defaults_follow_published_protocols_and_pass():
    assert (
        VitalsThresholds(
            hold_systolic=140,
            hold_diastolic=90,
            alert_systolic_low=90,
            alert_systolic_high=180,
            alert_heart_rate_low=50,
            alert_heart_rate_high=150,
            alert_spo2_low=92,
        )
        == DEFAULT_THRESHOLDS
    )
    assert threshold_problems(DEFAULT_THRESHOLDS) == {}


@pytest.mark.parametrize("name", sorted(THRESHOLD_BOUNDS))
def test_bounds_are_inclusive(name):
    low, high = THRESHOLD_BOUNDS[name]
    for value in (low, high):
        problem = threshold_problems(replace(DEFAULT_THRESHOLDS, **{name: value})).get(name)
        # At an edge a contradiction with another default may remain, never a range error.
        assert problem is None or problem.message != BETWEEN


@pytest.mark.parametrize("name", sorted(THRESHOLD_BOUNDS))
@pytest.mark.parametrize("side", ["below", "above"])
def test_out_of_bounds_names_the_field_and_range(name, side):
    low, high = THRESHOLD_BOUNDS[name]
    value = low - 1 if side == "below" else high + 1
    problems = threshold_problems(replace(DEFAULT_THRESHOLDS, **{name: value}))
    assert problems[name].message == BETWEEN
    assert problems[name].params == {"low": low, "high": high}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"hold_systolic": 160, "alert_systolic_high": 150},
            "alert_systolic_high",
            "Must be above the systolic hold threshold.",
        ),
        (
            {"hold_systolic": 160, "alert_systolic_high": 160},
            "alert_systolic_high",
            "Must be above the systolic hold threshold.",
        ),
        (
            {"hold_systolic": 110, "alert_systolic_low": 115},
            "alert_systolic_low",
            "Must be below the systolic hold threshold.",
        ),
        (
            {"hold_systolic": 110, "alert_systolic_low": 110},
            "alert_systolic_low",
            "Must be below the systolic hold threshold.",
        ),
    ],
    ids=["high below hold", "high equals hold", "low above hold", "low equals hold"],
)
def test_contradictory_thresholds(changes, field, message):
    problems = threshold_problems(replace(DEFAULT_THRESHOLDS, **changes))
    assert set(problems) == {field}
    assert problems[field].message == message


def test_one_message_per_field_bounds_first():
    # 130 is out of bounds for the high alert and also not above the hold: one message.
    problems = threshold_problems(replace(DEFAULT_THRESHOLDS, alert_systolic_high=130))
    assert set(problems) == {"alert_systolic_high"}
    assert problems["alert_systolic_high"].message == BETWEEN


def test_every_problem_is_reported_at_once():
    values = VitalsThresholds(
        hold_systolic=99,
        hold_diastolic=131,
        alert_systolic_low=59,
        alert_systolic_high=251,
        alert_heart_rate_low=29,
        alert_heart_rate_high=221,
        alert_spo2_low=100,
    )
    assert set(threshold_problems(values)) == set(THRESHOLD_BOUNDS)


def test_bounds_cover_every_threshold():
    assert set(THRESHOLD_BOUNDS) == set(vars(DEFAULT_THRESHOLDS))
