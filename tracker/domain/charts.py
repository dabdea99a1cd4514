"""Trend charts laid out as plain numbers, drawn as SVG by a template (page and PDF).

No charting library: the shapes are few (bands, a line, markers), and a pure layout
function is easy to test and renders the same in browsers and in WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BandSpec:
    low: float
    high: float
    label: str
    tone: int  # 0 (calm) .. 4 (most severe), picks the shade


@dataclass(frozen=True)
class BandRect:
    y: float
    height: float
    label: str
    tone: int


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    day: date
    value: float


@dataclass(frozen=True)
class Marker:
    x: float
    day: date


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bands: list[BandRect]
    points: list[PlotPoint]
    markers: list[Marker]
    ticks: list[Tick]
    first_day: date | None
    last_day: date | None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trend_chart(
    values: list[tuple[date, float]],
    *,
    y_min: float,
    y_max: float,
    bands: tuple[BandSpec, ...] = (),
    markers: list[date] = (),  # type: ignore[assignment]
    width: int = 560,
    height: int = 220,
) -> TrendChart:
    """Place dated values and markers on a time axis over shaded bands.

    The time axis spans the first to the last value (markers outside it are dropped);
    a single value sits in the middle.
    """
    left, right, top, bottom = 44, 12, 10, 26
    plot_w = width - left - right
    plot_h = height - top - bottom
    span_y = (y_max - y_min) or 1

    def y_of(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return top + plot_h * (1 - (clamped - y_min) / span_y)

    ordered = sorted(values, key=lambda pair: pair[0])
    first = ordered[0][0] if ordered else None
    last = ordered[-1][0] if ordered else None
    span_days = (last - first).days if ordered else 0

    def x_of(day: date) -> float:
        if not span_days:
            return left + plot_w / 2
        return left + plot_w * (day - first).days / span_days

    # Totals are whole numbers: a band low..high covers up to the next band's low,
    # so neighbouring bands meet without a gap.
    band_rects = []
    for band in bands:
        upper = min(band.high + 1, y_max) if band.high < y_max else y_max
        lower = max(band.low, y_min)
        band_rects.append(
            BandRect(
                y=y_of(upper), height=y_of(lower) - y_of(upper), label=band.label, tone=band.tone
            )
        )
    points = [PlotPoint(x_of(day), y_of(value), day, value) for day, value in ordered]
    shown_markers = [
        Marker(x_of(day), day) for day in sorted(markers) if first and first <= day <= last
    ]
    step = _tick_step(y_max - y_min)
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append(Tick(y_of(value), value))
        value += step
    return TrendChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        band_rects,
        points,
        shown_markers,
        ticks,
        first,
        last,
    )


def _tick_step(span: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50):
        if span / step <= 6:
            return step
    return 100
