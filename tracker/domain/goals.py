"""Integration goals: vocabularies, rating rules, and the trajectory chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.messages import N_

# A goal may be tied to a questionnaire whose change over time is judged (it has a
# reliable-change rule: PHQ-9, GAD-7, PCL-5, WHO-5), not to a history (ACE) or a
# screen (C-SSRS); a new instrument with such a rule is offered without a change here.
TARGET_INSTRUMENTS = tuple(
    code for code, instrument in ITEM_INSTRUMENTS.items() if instrument.reliable_change
)
# How a goal's target compares with a score.
COMPARISON_LABELS = {
    "at_most": N_("at or below"),
    "at_least": N_("at or above"),
    "drop_by": N_("down by at least"),
    "rise_by": N_("up by at least"),
}

DOMAIN_LABELS = {
    "relationships": N_("Relationships"),
    "emotional_regulation": N_("Emotional regulation"),
    "body": N_("Body and nervous system"),
    "meaning": N_("Meaning and purpose"),
    "family_patterns": N_("Family patterns"),
    "self_worth": N_("Self-worth"),
    "behaviour_change": N_("Behaviour change"),
}

STATUS_LABELS = {
    "active": N_("Active"),
    "achieved": N_("Achieved"),
    "paused": N_("Paused"),
    "released": N_("Released"),
}

RATING_SCALE = range(0, 11)


@dataclass(frozen=True)
class RatingPoint:
    day: date
    value: int
    by_client: bool


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: int
    day: date
    by_client: bool


@dataclass(frozen=True)
class TrajectoryChart:
    """A small SVG line chart, laid out here so templates and PDFs only draw it."""

    width: int
    height: int
    points: list[ChartPoint]
    baseline_y: float | None
    target_y: float | None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trajectory_chart(
    ratings: list[RatingPoint],
    *,
    baseline: int | None,
    target: int | None,
    width: int = 320,
    height: int = 120,
    padding: int = 12,
) -> TrajectoryChart:
    """Place ratings (0-10) over time; the x axis spans the first to the last rating."""
    ordered = sorted(ratings, key=lambda r: r.day)
    inner_w = width - 2 * padding
    inner_h = height - 2 * padding

    def y_of(value: int) -> float:
        return padding + inner_h * (1 - value / 10)

    points: list[ChartPoint] = []
    if ordered:
        first, last = ordered[0].day, ordered[-1].day
        span = (last - first).days
        for index, rating in enumerate(ordered):
            if span:
                x = padding + inner_w * (rating.day - first).days / span
            else:
                x = padding + (
                    inner_w * index / (len(ordered) - 1) if len(ordered) > 1 else inner_w / 2
                )
            points.append(
                ChartPoint(x, y_of(rating.value), rating.value, rating.day, rating.by_client)
            )
    return TrajectoryChart(
        width=width,
        height=height,
        points=points,
        baseline_y=y_of(baseline) if baseline is not None else None,
        target_y=y_of(target) if target is not None else None,
    )
