"""The measure trend chart: totals over time on shaded severity bands, medicine markers."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from tracker.domain.charts import BandSpec, trend_chart
from tracker.domain.scoring import CHART_BANDS, TOTAL_RANGE

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 10, 26
PLOT_TOP, PLOT_BOTTOM = TOP, HEIGHT - BOTTOM
PLOT_LEFT, PLOT_RIGHT = LEFT, WIDTH - RIGHT

D0 = date(2026, 3, 2)


def on(offset: int) -> date:
    return D0 + timedelta(days=offset)


def phq9_bands() -> tuple[BandSpec, ...]:
    return tuple(BandSpec(*band) for band in CHART_BANDS["phq9"])


@pytest.mark.parametrize(
    ("value", "y"),
    [
        (0, PLOT_BOTTOM),
        (27, PLOT_TOP),
        (13.5, (PLOT_TOP + PLOT_BOTTOM) / 2),
        (9, PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * 9 / 27),
    ],
)
def test_values_scale_to_the_y_range(value, y):
    chart = trend_chart([(D0, value)], y_min=0, y_max=27)
    assert chart.points[0].y == pytest.approx(y)
    assert chart.points[0].value == value


def test_values_scale_to_a_range_that_does_not_start_at_zero():
    chart = trend_chart([(on(0), 50), (on(1), 100), (on(2), 75)], y_min=50, y_max=100)
    assert [p.y for p in chart.points] == pytest.approx(
        [PLOT_BOTTOM, PLOT_TOP, (PLOT_TOP + PLOT_BOTTOM) / 2]
    )


def test_values_outside_the_range_are_clamped_to_the_plot():
    chart = trend_chart([(on(0), -5), (on(1), 40)], y_min=0, y_max=27)
    assert [p.y for p in chart.points] == pytest.approx([PLOT_BOTTOM, PLOT_TOP])
    assert [p.value for p in chart.points] == [-5, 40]  # the table still tells the truth


def test_x_spans_the_first_to_the_last_date_in_date_order():
    chart = trend_chart([(on(10), 5), (on(0), 20), (on(4), 12)], y_min=0, y_max=27)
    assert [p.day for p in chart.points] == [on(0), on(4), on(10)]
    assert [p.x for p in chart.points] == pytest.approx(
        [PLOT_LEFT, PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * 0.4, PLOT_RIGHT]
    )
    assert (chart.first_day, chart.last_day) == (on(0), on(10))
    assert chart.polyline.split() == [f"{p.x:.1f},{p.y:.1f}" for p in chart.points]


def test_a_single_point_is_centred():
    chart = trend_chart([(D0, 10)], y_min=0, y_max=27, markers=[D0])
    (only,) = chart.points
    assert only.x == pytest.approx((PLOT_LEFT + PLOT_RIGHT) / 2)
    assert (chart.first_day, chart.last_day) == (D0, D0)
    (marker,) = chart.markers
    assert marker.x == pytest.approx(only.x)


def test_no_values_draw_no_points_and_no_markers():
    chart = trend_chart([], y_min=0, y_max=27, bands=phq9_bands(), markers=[D0])
    assert chart.points == [] and chart.markers == []
    assert chart.first_day is None and chart.last_day is None
    assert len(chart.bands) == 5


@pytest.mark.parametrize("code", sorted(CHART_BANDS))
def test_bands_are_contiguous_and_fill_the_plot(code):
    low, high = TOTAL_RANGE[code]
    bands = tuple(BandSpec(*band) for band in CHART_BANDS[code])
    chart = trend_chart([(D0, low)], y_min=low, y_max=high, bands=bands)
    rects = sorted(chart.bands, key=lambda rect: -rect.y)  # from the bottom up
    assert rects[0].y + rects[0].height == pytest.approx(PLOT_BOTTOM)
    assert rects[-1].y == pytest.approx(PLOT_TOP)
    for lower, upper in itertools.pairwise(rects):
        assert upper.y + upper.height == pytest.approx(lower.y), "a gap or overlap between bands"
    assert sum(rect.height for rect in rects) == pytest.approx(PLOT_BOTTOM - PLOT_TOP)
    assert all(rect.height > 0 for rect in rects)


def test_phq9_bands_keep_their_labels_tones_and_boundaries():
    chart = trend_chart([(D0, 0)], y_min=0, y_max=27, bands=phq9_bands())
    per_point = (PLOT_BOTTOM - PLOT_TOP) / 27
    assert [(b.label, b.tone) for b in chart.bands] == [
        ("minimal", 0),
        ("mild", 1),
        ("moderate", 2),
        ("moderately severe", 3),
        ("severe", 4),
    ]
    # minimal covers 0 up to 5, mild 5 up to 10 ... severe 20 up to 27
    assert [b.height for b in chart.bands] == pytest.approx(
        [5 * per_point, 5 * per_point, 5 * per_point, 5 * per_point, 7 * per_point]
    )
    # a total of 5 sits on the border between minimal and mild
    five = trend_chart([(D0, 5)], y_min=0, y_max=27).points[0].y
    assert chart.bands[1].y + chart.bands[1].height == pytest.approx(five)


def test_markers_outside_the_date_span_are_dropped():
    chart = trend_chart(
        [(on(0), 17), (on(20), 7)],
        y_min=0,
        y_max=27,
        markers=[on(-1), on(0), on(5), on(20), on(21)],
    )
    assert [m.day for m in chart.markers] == [on(0), on(5), on(20)]
    assert [m.x for m in chart.markers] == pytest.approx(
        [PLOT_LEFT, PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * 0.25, PLOT_RIGHT]
    )


def test_markers_are_sorted_by_date():
    chart = trend_chart(
        [(on(0), 17), (on(10), 7)], y_min=0, y_max=27, markers=[on(8), on(2), on(5)]
    )
    assert [m.day for m in chart.markers] == [on(2), on(5), on(8)]


@pytest.mark.parametrize(("y_max", "step"), [(10, 2), (21, 5), (27, 5), (80, 20), (100, 20)])
def test_ticks_run_from_the_bottom_to_the_top_in_round_steps(y_max, step):
    chart = trend_chart([(D0, 0)], y_min=0, y_max=y_max)
    values = [tick.value for tick in chart.ticks]
    assert values[0] == 0
    assert all(b - a == step for a, b in itertools.pairwise(values))
    assert values[-1] <= y_max < values[-1] + step
    assert chart.ticks[0].y == pytest.approx(PLOT_BOTTOM)
