"""Exact scoring of the questionnaires and reliable change, looked up by instrument code.

Every instrument's facts (items, answer range, scoring, severity bands, flags,
reliable-change rule, sources) live in its own module of ``tracker.domain.instruments``;
``score`` and ``classify_change`` look the code up there and refuse any code that is not
registered with ``ValueError``. The names below that read the registry by code
(``INSTRUMENT_SCORING``, ``TOTAL_RANGE``, ``RELIABLE_CHANGE``, ``CHART_BANDS``,
``FLAG_LABELS`` …) are views of it, derived once, for the callers that use them.

The schedule of measures lives in ``tracker.domain.schedules`` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.domain.instruments import (
    ITEM_INSTRUMENTS,
    SCORES_ONLY,
    Band,
    ChartBand,
    Instrument,
    ReliableChange,
    Score,
    UnknownInstrument,
    flag_labels,
    instrument_for,
)
from tracker.domain.instruments import cssrs as _cssrs
from tracker.domain.instruments.gad7 import BANDS as GAD7_BANDS
from tracker.domain.instruments.phq9 import BANDS as PHQ9_BANDS
from tracker.domain.instruments.scores_only import meq30_complete
from tracker.domain.messages import N_
from tracker.domain.schedules import (
    AFTER_MEDICINE,
    EVERY_N_DAYS,
    ONCE,
    DueState,
    MeasureSchedule,
    Occurrence,
    current_due_date,
    due_dates,
    is_due,
    next_due_date,
    open_occurrences,
    schedule_state,
)

__all__ = [
    "AFTER_MEDICINE",
    "CHANGE_WORDS",
    "CHART_BANDS",
    "CSSRS_HIGH",
    "CSSRS_LOW",
    "CSSRS_MODERATE",
    "CSSRS_NONE",
    "EVERY_N_DAYS",
    "FLAG_LABELS",
    "GAD7_BANDS",
    "INSTRUMENT_SCORING",
    "ONCE",
    "PHQ9_BANDS",
    "RELIABLE_CHANGE",
    "SEVERITY_BANDS",
    "TARGET_COMPARISONS",
    "TOTAL_RANGE",
    "Band",
    "DueState",
    "InstrumentScoring",
    "MeasureSchedule",
    "Occurrence",
    "ReliableChange",
    "Score",
    "TargetProgress",
    "check_scores",
    "classify_change",
    "current_due_date",
    "due_dates",
    "is_due",
    "meq30_complete",
    "next_due_date",
    "open_occurrences",
    "schedule_state",
    "score",
    "scoring_for",
    "target_progress",
]

# The scoring knowledge of an item-scored instrument is its ``Instrument``.
InstrumentScoring = Instrument

CSSRS_HIGH = _cssrs.HIGH
CSSRS_MODERATE = _cssrs.MODERATE
CSSRS_LOW = _cssrs.LOW
CSSRS_NONE = _cssrs.NONE

# --- views of the registry, by code ----------------------------------------------------

INSTRUMENT_SCORING = ITEM_INSTRUMENTS

SEVERITY_BANDS: dict[str, tuple[Band, ...]] = {
    code: entry.bands for code, entry in ITEM_INSTRUMENTS.items() if entry.bands
}

# The range of each total, for charts and outcome targets.
TOTAL_RANGE: dict[str, tuple[int, int]] = {
    code: entry.total_range for code, entry in ITEM_INSTRUMENTS.items()
}

# Reliable-change thresholds: the smallest change that is unlikely to be measurement
# error. Each is set, with its source, in the instrument's module.
RELIABLE_CHANGE: dict[str, ReliableChange] = {
    code: entry.reliable_change
    for code, entry in ITEM_INSTRUMENTS.items()
    if entry.reliable_change is not None
}

# Bands shaded on trend charts and what they say.
CHART_BANDS: dict[str, tuple[ChartBand, ...]] = {
    code: entry.chart_bands for code, entry in ITEM_INSTRUMENTS.items() if entry.chart_bands
}

# What each response flag says on the clinician's page.
FLAG_LABELS: dict[str, str] = flag_labels()


def scoring_for(code: str) -> Instrument:
    """The registered instrument ``code``; ``ValueError`` for any other code."""
    return instrument_for(code)


def _checked_answers(entry: Instrument, answers: Sequence[int]) -> list[int]:
    code, expected = entry.code, entry.item_count
    if len(answers) < expected:
        missing = entry.item_label(len(answers) + 1)
        raise ValueError(f"{code}: {missing} is missing ({expected} items expected)")
    if len(answers) > expected:
        extra = entry.item_label(expected + 1)
        raise ValueError(f"{code}: {extra} is one too many ({expected} items expected)")
    allowed = entry.answer_values
    checked = []
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            raise ValueError(
                f"{code}: {entry.item_label(number)} must be one of {sorted(allowed)}, "
                f"not {answer!r}"
            )
        checked.append(answer)
    for follow_up, lead in entry.contradictions(checked):
        raise ValueError(
            f"{code}: {entry.item_label(follow_up)} is asked only after a yes to "
            f"{entry.item_label(lead)}, so it must be {entry.min_answer} when "
            f"{entry.item_label(lead)} is {entry.min_answer}"
        )
    return checked


def score(code: str, answers: Sequence[int]) -> Score:
    """Score a questionnaire from its item answers, in item order.

    Raises ``ValueError`` for a code not in the registry, and naming the item for a
    missing, extra or out-of-range answer, or a follow-up answered after a "no" to the
    item it follows.
    """
    entry = instrument_for(code)
    return entry.rate(_checked_answers(entry, answers))


def classify_change(code: str, before_total: int, after_total: int) -> str:
    """``"improved"``, ``"deteriorated"`` or ``"unchanged"`` by the reliable-change rule.

    A change of at least the threshold counts. ACE raises ``ValueError``: it records a
    history, not a symptom that can change; so does the C-SSRS, a risk screen, and any
    code without a reliable-change rule or not in the registry.
    """
    if code in SCORES_ONLY:
        raise UnknownInstrument(f"{code}: no reliable-change threshold")
    entry = instrument_for(code)
    if entry.no_change_reason:
        raise ValueError(entry.no_change_reason)
    rule = entry.reliable_change
    if rule is None:
        raise ValueError(f"{code}: no reliable-change threshold")
    change = after_total - before_total
    better = -change if rule.lower_is_better else change
    if better >= rule.threshold:
        return "improved"
    if better <= -rule.threshold:
        return "deteriorated"
    return "unchanged"


CHANGE_WORDS = {
    "improved": N_("reliably improved"),
    "deteriorated": N_("reliably worse"),
    "unchanged": N_("no reliable change"),
}


def check_scores(code: str, values: dict[str, float | None]) -> dict[str, str]:
    """Range problems of a scores-only entry, per field (English, for the form layer)."""
    instrument = SCORES_ONLY[code]
    problems = {}
    for spec in instrument.fields:
        value = values.get(spec.key)
        if value is None:
            problems[spec.key] = "required"
        elif not spec.minimum <= value <= spec.maximum:
            problems[spec.key] = "range"
    return problems


# --- outcome targets -----------------------------------------------------------------

TARGET_COMPARISONS = ("at_most", "at_least", "drop_by", "rise_by")


@dataclass(frozen=True)
class TargetProgress:
    met: bool
    latest: float | None
    baseline: float | None
    remaining: float | None  # how far from the target (0 when met)


def target_progress(
    comparison: str, value: float, baseline: float | None, latest: float | None
) -> TargetProgress:
    """How the latest score stands against a goal's outcome target.

    at_most / at_least compare the latest total with ``value``; drop_by / rise_by compare
    the change from the first (baseline) response with ``value``.
    """
    if latest is None:
        return TargetProgress(False, None, baseline, None)
    if comparison == "at_most":
        remaining = max(0.0, latest - value)
    elif comparison == "at_least":
        remaining = max(0.0, value - latest)
    elif comparison in ("drop_by", "rise_by"):
        if baseline is None:
            return TargetProgress(False, latest, None, None)
        change = baseline - latest if comparison == "drop_by" else latest - baseline
        remaining = max(0.0, value - change)
    else:
        raise ValueError(f"unknown comparison {comparison!r}")
    return TargetProgress(remaining == 0, latest, baseline, remaining)
