"""Exact scoring of the questionnaires, reliable change, and the schedule of measures.

Rules and their sources:
- PHQ-9: sum of 9 items (0-3); severity 0-4 minimal, 5-9 mild, 10-14 moderate,
  15-19 moderately severe, 20-27 severe (Kroenke, Spitzer & Williams 2001). Item 9 >= 1
  flags suicidal ideation for follow-up.
- GAD-7: sum of 7 items (0-3); 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe
  (Spitzer et al. 2006).
- PCL-5: sum of 20 items (0-4); 33 or more is a probable PTSD (Bovin et al. 2016,
  Psychol Assess 28:1379); the DSM-5 pattern counts items rated 2 ("moderately") or
  more: at least 1 of B (items 1-5), 1 of C (6-7), 2 of D (8-14), 2 of E (15-20)
  (Weathers et al. 2013).
- WHO-5: raw sum of 5 items (0-5) times 4 gives 0-100; below 52 indicates poor
  well-being (Topp et al. 2015).
- ACE: count of "yes" (0-10); 4 or more is the high-exposure band of the ACE study
  (Felitti et al. 1998).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY
from tracker.domain.messages import N_


@dataclass(frozen=True)
class Score:
    total: int
    severity: str | None
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


SEVERITY_BANDS: dict[str, tuple[Band, ...]] = {
    "phq9": (
        Band(0, 4, N_("minimal")),
        Band(5, 9, N_("mild")),
        Band(10, 14, N_("moderate")),
        Band(15, 19, N_("moderately severe")),
        Band(20, 27, N_("severe")),
    ),
    "gad7": (
        Band(0, 4, N_("minimal")),
        Band(5, 9, N_("mild")),
        Band(10, 14, N_("moderate")),
        Band(15, 21, N_("severe")),
    ),
}

# The range of each total, for charts.
TOTAL_RANGE: dict[str, tuple[int, int]] = {
    "phq9": (0, 27),
    "gad7": (0, 21),
    "pcl5": (0, 80),
    "who5": (0, 100),
    "ace": (0, 10),
}

PCL5_PROBABLE_PTSD = 33
WHO5_POOR_WELLBEING = 52
ACE_HIGH = 4


def _checked_answers(code: str, answers: Sequence[int]) -> list[int]:
    instrument = ITEM_INSTRUMENTS[code]
    expected = len(instrument.items)
    if len(answers) < expected:
        raise ValueError(f"{code}: item {len(answers) + 1} is missing ({expected} items expected)")
    if len(answers) > expected:
        raise ValueError(f"{code}: item {expected + 1} is one too many ({expected} items expected)")
    allowed = {option.value for option in instrument.options}
    checked = []
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            raise ValueError(
                f"{code}: item {number} must be one of {sorted(allowed)}, not {answer!r}"
            )
        checked.append(answer)
    return checked


def _band(code: str, total: int) -> str | None:
    for band in SEVERITY_BANDS.get(code, ()):
        if band.low <= total <= band.high:
            return band.label
    return None


def _pcl5_dsm5_pattern(answers: list[int]) -> bool:
    def endorsed(first: int, last: int) -> int:
        return sum(1 for value in answers[first - 1 : last] if value >= 2)

    return (
        endorsed(1, 5) >= 1
        and endorsed(6, 7) >= 1
        and endorsed(8, 14) >= 2
        and endorsed(15, 20) >= 2
    )


def score(code: str, answers: Sequence[int]) -> Score:
    """Score a questionnaire from its item answers, in item order.

    Raises ``ValueError`` naming the item for a missing, extra or out-of-range answer.
    """
    if code not in ITEM_INSTRUMENTS:
        raise ValueError(f"unknown instrument {code!r}")
    values = _checked_answers(code, answers)
    raw = sum(values)
    flags: set[str] = set()
    if code == "phq9":
        if values[8] >= 1:
            flags.add("suicidal_ideation")
        return Score(raw, _band(code, raw), frozenset(flags))
    if code == "gad7":
        return Score(raw, _band(code, raw), frozenset())
    if code == "pcl5":
        if raw >= PCL5_PROBABLE_PTSD:
            flags.add("probable_ptsd")
        if _pcl5_dsm5_pattern(values):
            flags.add("dsm5_pattern")
        return Score(raw, None, frozenset(flags))
    if code == "who5":
        percent = raw * 4
        if percent < WHO5_POOR_WELLBEING:
            flags.add("poor_wellbeing")
        return Score(percent, None, frozenset(flags))
    # ace
    if raw >= ACE_HIGH:
        flags.add("high_ace")
    return Score(raw, None, frozenset(flags))


@dataclass(frozen=True)
class ReliableChange:
    threshold: int
    lower_is_better: bool
    source: str


# Reliable-change thresholds: the smallest change that is unlikely to be measurement
# error. Reviewed here, in one place, by the practice.
RELIABLE_CHANGE: dict[str, ReliableChange] = {
    "phq9": ReliableChange(
        6, True, "Löwe et al. (2004), Med Care 42:1194; McMillan et al. (2010), J Affect Disord"
    ),
    "gad7": ReliableChange(4, True, "Toussaint et al. (2020), Gen Hosp Psychiatry 62:1-7"),
    "pcl5": ReliableChange(
        10, True, "National Center for PTSD, PCL-5 guidance: 10-20 points is clinically meaningful"
    ),
    "who5": ReliableChange(
        10, False, "Topp et al. (2015): a 10-percentage-point change is clinically relevant"
    ),
}


def classify_change(code: str, before_total: int, after_total: int) -> str:
    """``"improved"``, ``"deteriorated"`` or ``"unchanged"`` by the reliable-change table.

    A change of at least the threshold counts. ACE raises ``ValueError``: it records a
    history, not a symptom that can change.
    """
    if code == "ace":
        raise ValueError("ace: a history of adverse experiences, not a measure of change")
    rule = RELIABLE_CHANGE.get(code)
    if rule is None:
        raise ValueError(f"{code}: no reliable-change threshold")
    change = after_total - before_total
    better = -change if rule.lower_is_better else change
    if better >= rule.threshold:
        return "improved"
    if better <= -rule.threshold:
        return "deteriorated"
    return "unchanged"


# What each response flag says on the clinician's page.
FLAG_LABELS = {
    "suicidal_ideation": N_("suicidal ideation"),
    "probable_ptsd": N_("probable PTSD"),
    "dsm5_pattern": N_("DSM-5 symptom pattern"),
    "poor_wellbeing": N_("poor well-being"),
    "high_ace": N_("high exposure"),
    "complete_mystical_experience": N_("complete mystical experience"),
    "high_dissociation": N_("high dissociation"),
}

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


def meq30_complete(subscales: dict[str, float]) -> bool:
    """A complete mystical experience: every subscale at least 60% of its maximum (5)."""
    return all(
        subscales.get(key, 0) >= 3.0
        for key in ("mystical", "positive_mood", "transcendence", "ineffability")
    )


# --- schedules -----------------------------------------------------------------------


ONCE = "once"
EVERY_N_DAYS = "every_n_days"
AFTER_MEDICINE = "after_medicine"


@dataclass(frozen=True)
class MeasureSchedule:
    kind: str
    start: date
    every_days: int | None = None  # every N days; or N days after each medicine session


def current_due_date(
    schedule: MeasureSchedule, medicine_days: Sequence[date], today: date
) -> date | None:
    """The date from which the latest occurrence is due, or ``None`` if nothing is due yet.

    - once: due from the start date.
    - every N days: the latest of start, start + N, start + 2N … not after today.
    - N days after each medicine session: the last medicine session on or after the start
      date, plus N days. A new medicine session restarts the clock: the earlier, unfilled
      occurrence is replaced by the new one.
    """
    if today < schedule.start:
        return None
    if schedule.kind == ONCE:
        return schedule.start
    if schedule.kind == EVERY_N_DAYS:
        step = schedule.every_days or 1
        periods = (today - schedule.start).days // step
        return schedule.start + timedelta(days=periods * step)
    if schedule.kind == AFTER_MEDICINE:
        sessions = [day for day in medicine_days if schedule.start <= day <= today]
        if not sessions:
            return None
        due = max(sessions) + timedelta(days=schedule.every_days or 0)
        return due if due <= today else None
    raise ValueError(f"unknown schedule kind {schedule.kind!r}")


def is_due(
    schedule: MeasureSchedule,
    medicine_days: Sequence[date],
    response_days: Sequence[date],
    today: date,
) -> bool:
    """Due when the current occurrence has come and no response was given since it."""
    due = current_due_date(schedule, medicine_days, today)
    if due is None:
        return False
    if schedule.kind == ONCE:
        return not any(day >= schedule.start for day in response_days)
    return not any(day >= due for day in response_days)


# --- bands for charts and outcome targets --------------------------------------------

CHART_BANDS: dict[str, tuple[tuple[int, int, str, int], ...]] = {
    "phq9": (
        (0, 4, N_("minimal"), 0),
        (5, 9, N_("mild"), 1),
        (10, 14, N_("moderate"), 2),
        (15, 19, N_("moderately severe"), 3),
        (20, 27, N_("severe"), 4),
    ),
    "gad7": (
        (0, 4, N_("minimal"), 0),
        (5, 9, N_("mild"), 1),
        (10, 14, N_("moderate"), 2),
        (15, 21, N_("severe"), 4),
    ),
    "pcl5": ((0, 32, N_("below the PTSD cut-off"), 0), (33, 80, N_("probable PTSD"), 3)),
    "who5": ((0, 51, N_("poor well-being"), 3), (52, 100, N_("adequate well-being"), 0)),
    "ace": ((0, 3, "", 0), (4, 10, N_("high exposure"), 3)),
}

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
