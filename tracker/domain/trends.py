"""One questionnaire's totals over time: the reliable change from the baseline and from
the previous answer, and the chart over the instrument's range and severity bands.

The measures page and the progress report show the same trend; only the chart's size
differs. The baseline is the first answer in the series; each instrument's module
gives its reliable-change threshold and its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.domain import scoring
from tracker.domain.charts import BandSpec, TrendChart, trend_chart
from tracker.domain.instruments import ALL_CODES, ITEM_INSTRUMENTS, SCORES_ONLY


@dataclass(frozen=True)
class TrendPoint:
    day: date
    total: float
    # classify_change labels ("improved" …); None for the baseline, for the first
    # answer, and for instruments without a reliable-change rule.
    from_baseline: str | None
    from_previous: str | None


@dataclass(frozen=True)
class Trend:
    code: str
    points: list[TrendPoint]  # oldest first
    change: str | None  # from the baseline to the latest answer; None with one answer
    chart: TrendChart | None  # None for an instrument whose total is not a scale

    @property
    def baseline(self) -> float:
        return self.points[0].total

    @property
    def latest(self) -> float:
        return self.points[-1].total


def chart_range(code: str) -> tuple[float, float] | None:
    """The y range of the instrument's trend chart; ``None`` when it has none (a total
    that is not a scale, such as the C-SSRS's yes answers, or an unknown code)."""
    if code in ITEM_INSTRUMENTS:
        instrument = ITEM_INSTRUMENTS[code]
        return instrument.total_range if instrument.scale_total else None
    if code in SCORES_ONLY:
        return SCORES_ONLY[code].total_range
    return None


def instrument_order(code: str) -> int:
    """Where an instrument's trend stands among the others (unknown codes last)."""
    return ALL_CODES.index(code) if code in ALL_CODES else len(ALL_CODES)


def instrument_trend(
    code: str,
    totals: Sequence[tuple[date, float]],
    *,
    medicine_days: Sequence[date] = (),
    width: int = 560,
    height: int = 220,
) -> Trend:
    """The trend of one instrument's ``totals`` (at least one, in the order answered),
    with ``medicine_days`` marked on the chart."""
    changes = code in scoring.RELIABLE_CHANGE

    def change(before: float, after: float) -> str:
        return scoring.classify_change(code, int(before), int(after))

    baseline = totals[0][1]
    points = [
        TrendPoint(
            day,
            total,
            from_baseline=change(baseline, total) if changes and index else None,
            from_previous=change(totals[index - 1][1], total) if changes and index else None,
        )
        for index, (day, total) in enumerate(totals)
    ]
    chart = None
    value_range = chart_range(code)
    if value_range:
        chart = trend_chart(
            list(totals),
            y_min=value_range[0],
            y_max=value_range[1],
            bands=tuple(BandSpec(*band) for band in scoring.CHART_BANDS.get(code, ())),
            markers=list(medicine_days),
            width=width,
            height=height,
        )
    return Trend(
        code=code,
        points=points,
        change=points[-1].from_baseline if len(points) > 1 else None,
        chart=chart,
    )
