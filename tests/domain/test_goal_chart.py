"""The goal trajectory chart: ratings 0-10 placed over time in a small SVG box."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.goals import RatingPoint, trajectory_chart

WIDTH, HEIGHT, PADDING = 320, 120, 12
TOP, BOTTOM = PADDING, HEIGHT - PADDING
LEFT, RIGHT = PADDING, WIDTH - PADDING


def point(day: str, value: int, by_client: bool = False) -> RatingPoint:
    return RatingPoint(date.fromisoformat(day), value, by_client)


@pytest.mark.parametrize(
    ("value", "y"),
    [
        (0, BOTTOM),
        (10, TOP),
        (5, (TOP + BOTTOM) / 2),
        (3, BOTTOM - 0.3 * (BOTTOM - TOP)),
    ],
)
def test_value_scales_from_bottom_to_top(value, y):
    chart = trajectory_chart([point("2026-03-02", value)], baseline=None, target=None)
    assert chart.points[0].y == pytest.approx(y)


def test_a_single_point_is_centred():
    chart = trajectory_chart([point("2026-03-02", 4)], baseline=None, target=None)
    (only,) = chart.points
    assert only.x == pytest.approx(WIDTH / 2)
    assert only.value == 4 and only.day == date(2026, 3, 2)


def test_x_follows_the_date_not_the_order_of_the_ratings():
    chart = trajectory_chart(
        [point("2026-03-11", 8), point("2026-03-01", 2), point("2026-03-03", 5, by_client=True)],
        baseline=None,
        target=None,
    )
    assert [p.day for p in chart.points] == [
        date(2026, 3, 1),
        date(2026, 3, 3),
        date(2026, 3, 11),
    ]
    xs = [p.x for p in chart.points]
    # first rating at the left edge, last at the right, the one in between by days
    assert xs[0] == pytest.approx(LEFT)
    assert xs[2] == pytest.approx(RIGHT)
    assert xs[1] == pytest.approx(LEFT + (RIGHT - LEFT) * 2 / 10)
    assert [p.by_client for p in chart.points] == [False, True, False]


def test_x_spans_a_month_end_and_a_leap_day_by_days():
    chart = trajectory_chart(
        [point("2028-02-27", 1), point("2028-02-29", 2), point("2028-03-02", 3)],
        baseline=None,
        target=None,
    )
    # 27 Feb → 29 Feb is 2 days of 4 (the leap day exists)
    assert chart.points[1].x == pytest.approx((LEFT + RIGHT) / 2)


def test_ratings_on_one_day_are_spread_evenly():
    chart = trajectory_chart(
        [point("2026-03-02", 1), point("2026-03-02", 5), point("2026-03-02", 9)],
        baseline=None,
        target=None,
    )
    assert [p.x for p in chart.points] == pytest.approx([LEFT, (LEFT + RIGHT) / 2, RIGHT])


def test_baseline_and_target_lines():
    chart = trajectory_chart([], baseline=2, target=8)
    assert chart.points == []
    assert chart.polyline == ""
    assert chart.baseline_y == pytest.approx(BOTTOM - 0.2 * (BOTTOM - TOP))
    assert chart.target_y == pytest.approx(TOP + 0.2 * (BOTTOM - TOP))
    assert chart.target_y < chart.baseline_y  # higher values are drawn higher up


def test_no_baseline_or_target_means_no_lines():
    chart = trajectory_chart([point("2026-03-02", 4)], baseline=None, target=None)
    assert chart.baseline_y is None and chart.target_y is None
    zero = trajectory_chart([point("2026-03-02", 4)], baseline=0, target=0)
    assert zero.baseline_y == pytest.approx(BOTTOM) and zero.target_y == pytest.approx(BOTTOM)


def test_polyline_lists_the_points_left_to_right():
    chart = trajectory_chart(
        [point("2026-03-01", 0), point("2026-03-11", 10)], baseline=None, target=None
    )
    assert chart.polyline == f"{LEFT:.1f},{BOTTOM:.1f} {RIGHT:.1f},{TOP:.1f}"


def test_every_point_stays_inside_the_box():
    ratings = [point(f"2026-03-{day:02d}", (day * 7) % 11) for day in range(1, 29)]
    chart = trajectory_chart(ratings, baseline=0, target=10, width=200, height=80, padding=8)
    assert (chart.width, chart.height) == (200, 80)
    for p in chart.points:
        assert 8 <= p.x <= 192
        assert 8 <= p.y <= 72


def test_goals_can_target_the_scales_whose_change_is_judged():
    from tracker.domain.goals import TARGET_INSTRUMENTS

    # Derived from the registry: the scales with a reliable-change rule, in page order;
    # not the ACE (a history) nor the C-SSRS (a screen).
    assert TARGET_INSTRUMENTS == ("phq9", "gad7", "pcl5", "who5")
