"""Vitals: hold and alert thresholds, impossible readings, the hold before a dose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tracker.domain.vitals import (
    DEFAULT_THRESHOLDS,
    Reading,
    VitalsThresholds,
    assess_reading,
    hold_before_dose,
    reading_problems,
    threshold_problems,
)


def flags(**values):
    return assess_reading(Reading(**values), DEFAULT_THRESHOLDS)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "hold"),
    [
        (140, 90, False),  # at the line is not above it
        (141, 90, True),
        (140, 91, True),
        (139, 89, False),
        (160, 100, True),
        (118, 76, False),
    ],
)
def test_hold_is_strictly_above_140_over_90(systolic, diastolic, hold):
    result = flags(systolic=systolic, diastolic=diastolic)
    assert result.hold is hold
    assert result.out_of_range is hold
    assert result.alerts == ()


def test_one_blood_pressure_value_above_the_line_is_enough_for_a_hold():
    assert flags(systolic=141).hold
    assert flags(diastolic=91).hold
    assert not flags(heart_rate=80, spo2=97).hold


@pytest.mark.parametrize(
    ("values", "alerts"),
    [
        ({"systolic": 89, "diastolic": 60}, ("systolic_low",)),
        ({"systolic": 90, "diastolic": 60}, ()),
        ({"heart_rate": 49}, ("heart_rate_low",)),
        ({"heart_rate": 50}, ()),
        ({"heart_rate": 150}, ()),
        ({"heart_rate": 151}, ("heart_rate_high",)),
        ({"spo2": 91}, ("spo2_low",)),
        ({"spo2": 92}, ()),
        ({"spo2": 100}, ()),
    ],
)
def test_alert_boundaries(values, alerts):
    result = flags(**values)
    assert result.alerts == alerts
    assert result.out_of_range is bool(alerts)
    assert not result.hold


def test_systolic_above_180_is_both_a_hold_and_an_alert():
    at_line = flags(systolic=180, diastolic=85)
    assert at_line.hold and at_line.alerts == ()
    above = flags(systolic=181, diastolic=85)
    assert above.hold and above.alerts == ("systolic_high",)


def test_several_alerts_are_all_reported():
    result = flags(systolic=85, diastolic=50, heart_rate=160, spo2=88)
    assert result.alerts == ("systolic_low", "heart_rate_high", "spo2_low")


def test_an_empty_reading_raises_nothing():
    result = flags()
    assert not result.hold and result.alerts == () and not result.out_of_range


def test_the_practice_thresholds_are_used():
    strict = VitalsThresholds(hold_systolic=130, hold_diastolic=85, alert_spo2_low=95)
    assert assess_reading(Reading(131, 80), strict).hold
    assert assess_reading(Reading(125, 86), strict).hold
    assert not assess_reading(Reading(130, 85), strict).hold
    assert assess_reading(Reading(spo2=94), strict).alerts == ("spo2_low",)
    assert not assess_reading(Reading(131, 80), DEFAULT_THRESHOLDS).hold


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"spo2": 120}, "spo2"),
        ({"spo2": 49}, "spo2"),
        ({"heart_rate": 19}, "heart_rate"),
        ({"heart_rate": 251}, "heart_rate"),
        ({"systolic": 301, "diastolic": 90}, "systolic"),
        ({"systolic": 39, "diastolic": 30}, "systolic"),
        ({"systolic": 120, "diastolic": 19}, "diastolic"),
        ({"systolic": 250, "diastolic": 201}, "diastolic"),
    ],
)
def test_impossible_values_are_typing_errors(values, field):
    problems = reading_problems(Reading(**values))
    assert field in problems
    assert problems[field].message == "Must be between %(low)s and %(high)s."


def test_spo2_of_120_names_the_possible_range():
    problems = reading_problems(Reading(spo2=120))
    assert problems["spo2"].params == {"low": 50, "high": 100}


@pytest.mark.parametrize(
    "values",
    [
        {"systolic": 300, "diastolic": 199, "heart_rate": 250, "spo2": 100},
        {"systolic": 40, "diastolic": 20, "heart_rate": 20, "spo2": 50},
        {"heart_rate": 72},
        {"spo2": 97},
        {"systolic": 118, "diastolic": 76},
    ],
)
def test_possible_readings_have_no_problems(values):
    assert reading_problems(Reading(**values)) == {}


def test_blood_pressure_needs_both_values():
    only_systolic = reading_problems(Reading(systolic=120))
    assert set(only_systolic) == {"diastolic"}
    assert only_systolic["diastolic"].message == "Enter both blood-pressure values."
    only_diastolic = reading_problems(Reading(diastolic=80))
    assert set(only_diastolic) == {"systolic"}


def test_diastolic_must_be_below_systolic():
    for diastolic in (120, 130):
        problems = reading_problems(Reading(systolic=120, diastolic=diastolic))
        assert problems["diastolic"].message == "Diastolic must be below systolic."


def test_an_empty_reading_is_a_problem():
    problems = reading_problems(Reading())
    assert problems["systolic"].message == "Enter at least one measurement."


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


HIGH = Reading(150, 95, 80, 98)
NORMAL = Reading(130, 80, 70, 98)


def test_the_latest_reading_before_the_dose_decides():
    assert not hold_before_dose(
        [(minutes(0), HIGH), (minutes(10), NORMAL)], minutes(15), DEFAULT_THRESHOLDS
    )
    assert hold_before_dose(
        [(minutes(0), NORMAL), (minutes(10), HIGH)], minutes(15), DEFAULT_THRESHOLDS
    )


def test_the_order_of_the_readings_does_not_matter():
    readings = [(minutes(10), NORMAL), (minutes(0), HIGH)]
    assert not hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)


def test_a_reading_at_the_dose_time_counts():
    readings = [(minutes(0), NORMAL), (minutes(15), HIGH)]
    assert hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)


def test_readings_after_the_dose_are_ignored():
    readings = [(minutes(0), NORMAL), (minutes(16), HIGH)]
    assert not hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)
    readings = [(minutes(0), HIGH), (minutes(16), NORMAL)]
    assert hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)


def test_readings_without_blood_pressure_are_skipped():
    readings = [(minutes(0), HIGH), (minutes(10), Reading(heart_rate=72, spo2=98))]
    assert hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)
    readings = [(minutes(0), NORMAL), (minutes(10), Reading(heart_rate=160))]
    assert not hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)


def test_no_reading_before_the_dose_means_no_hold():
    assert not hold_before_dose([], minutes(15), DEFAULT_THRESHOLDS)
    assert not hold_before_dose([(minutes(20), HIGH)], minutes(15), DEFAULT_THRESHOLDS)


def test_a_latest_reading_exactly_at_the_line_is_no_hold():
    readings = [(minutes(0), HIGH), (minutes(10), Reading(140, 90))]
    assert not hold_before_dose(readings, minutes(15), DEFAULT_THRESHOLDS)


def test_default_thresholds_are_the_published_protocol_and_consistent():
    assert VitalsThresholds(140, 90, 90, 180, 50, 150, 92) == DEFAULT_THRESHOLDS
    assert threshold_problems(DEFAULT_THRESHOLDS) == {}


def test_contradictory_practice_thresholds_are_refused():
    problems = threshold_problems(
        VitalsThresholds(hold_systolic=150, alert_systolic_high=150, alert_systolic_low=90)
    )
    assert set(problems) == {"alert_systolic_high"}
    problems = threshold_problems(VitalsThresholds(hold_diastolic=200))
    assert set(problems) == {"hold_diastolic"}
