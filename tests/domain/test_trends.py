"""One questionnaire trend for the measures page and the report: reliable change from the
baseline and from the previous answer, and the chart over the instrument's range."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.domain.trends import chart_range, instrument_order, instrument_trend

D0 = date(2026, 3, 2)


def on(offset: int) -> date:
    return D0 + timedelta(days=offset)


def test_changes_are_judged_from_the_first_answer_and_from_the_one_before():
    # PHQ-9: lower is better, a change of 6 is reliable.
    trend = instrument_trend("phq9", [(on(0), 20), (on(14), 15), (on(28), 13), (on(42), 21)])

    assert [(p.from_baseline, p.from_previous) for p in trend.points] == [
        (None, None),
        ("unchanged", "unchanged"),
        ("improved", "unchanged"),
        ("unchanged", "deteriorated"),
    ]
    assert (trend.baseline, trend.latest, trend.change) == (20, 21, "unchanged")


def test_one_answer_has_no_change_but_a_chart():
    trend = instrument_trend("phq9", [(on(0), 12)])

    assert trend.change is None
    assert trend.points[0].from_baseline is None
    assert [p.value for p in trend.chart.points] == [12]


def test_an_instrument_without_a_reliable_change_rule_has_no_labels():
    trend = instrument_trend("cadss", [(on(0), 30), (on(7), 5)])

    assert trend.change is None
    assert all(p.from_baseline is None and p.from_previous is None for p in trend.points)
    assert trend.chart is not None  # a scores-only total is still a scale


@pytest.mark.parametrize(
    ("code", "expected"),
    [("phq9", (0, 27)), ("who5", (0, 100)), ("cadss", (0, 92)), ("cssrs", None), ("zzz", None)],
)
def test_the_chart_spans_the_instruments_range_and_only_a_scale_has_one(code, expected):
    assert chart_range(code) == expected
    trend = instrument_trend(code, [(on(0), 1), (on(7), 2)])
    assert (trend.chart is None) == (expected is None)


def test_the_chart_carries_the_bands_and_the_medicine_days_within_the_answers():
    trend = instrument_trend(
        "phq9",
        [(on(0), 20), (on(30), 10)],
        medicine_days=[on(-5), on(10), on(20), on(40)],
        width=480,
        height=160,
    )

    assert (trend.chart.width, trend.chart.height) == (480, 160)
    assert [m.day for m in trend.chart.markers] == [on(10), on(20)]
    assert len(trend.chart.bands) == 5


def test_trends_stand_in_the_registry_order_and_unknown_codes_last():
    codes = ["cadss", "zzz", "gad7", "phq9"]

    assert sorted(codes, key=instrument_order) == ["phq9", "gad7", "cadss", "zzz"]
