"""Exact scoring of the questionnaires, reliable change, and the schedule of measures.

Each item-scored instrument's scoring knowledge (item count, answer range, scoring,
severity bands, flags, reliable-change rule, sources) is one ``InstrumentScoring`` entry
in ``INSTRUMENT_SCORING``, looked up by code: ``score`` and ``classify_change`` refuse a
code that is not registered with ``ValueError``.

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
  well-being, 28 or below likely depression (Topp et al. 2015).
- ACE: count of "yes" (0-10); 4 or more is the high-exposure band of the ACE study
  (Felitti et al. 1998).
- C-SSRS, screen version (Posner et al. 2011; free for clinical use): seven yes/no
  answers; severity from the highest item answered yes (see ``_score_cssrs``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class ReliableChange:
    threshold: int
    lower_is_better: bool
    source: str


@dataclass(frozen=True)
class InstrumentScoring:
    """Everything needed to score one item-scored instrument and judge change in it.

    ``rate`` receives answers already checked for count and range and returns the
    ``Score``; it may raise ``ValueError`` for answers that contradict each other.
    ``classify_change`` refuses the instrument when ``reliable_change`` is ``None``,
    with ``no_change_reason`` when one is given.
    """

    code: str
    item_count: int
    answer_values: frozenset[int]
    total_range: tuple[int, int]
    rate: Callable[[list[int]], Score]
    bands: tuple[Band, ...] = ()
    flags: frozenset[str] = frozenset()
    reliable_change: ReliableChange | None = None
    no_change_reason: str = ""
    source: str = ""
    # How answers are named in error messages, by position (else "item N").
    item_labels: tuple[str, ...] = ()

    def item_label(self, number: int) -> str:
        if number <= len(self.item_labels):
            return self.item_labels[number - 1]
        return f"item {number}"


def _band_of(bands: tuple[Band, ...], total: int) -> str | None:
    for band in bands:
        if band.low <= total <= band.high:
            return band.label
    return None


# --- PHQ-9 ---------------------------------------------------------------------------

PHQ9_BANDS = (
    Band(0, 4, N_("minimal")),
    Band(5, 9, N_("mild")),
    Band(10, 14, N_("moderate")),
    Band(15, 19, N_("moderately severe")),
    Band(20, 27, N_("severe")),
)


def _score_phq9(values: list[int]) -> Score:
    raw = sum(values)
    flags = {"suicidal_ideation"} if values[8] >= 1 else set()
    return Score(raw, _band_of(PHQ9_BANDS, raw), frozenset(flags))


# --- GAD-7 ---------------------------------------------------------------------------

GAD7_BANDS = (
    Band(0, 4, N_("minimal")),
    Band(5, 9, N_("mild")),
    Band(10, 14, N_("moderate")),
    Band(15, 21, N_("severe")),
)


def _score_gad7(values: list[int]) -> Score:
    raw = sum(values)
    return Score(raw, _band_of(GAD7_BANDS, raw), frozenset())


# --- PCL-5 ---------------------------------------------------------------------------

PCL5_PROBABLE_PTSD = 33


def _pcl5_dsm5_pattern(answers: list[int]) -> bool:
    def endorsed(first: int, last: int) -> int:
        return sum(1 for value in answers[first - 1 : last] if value >= 2)

    return (
        endorsed(1, 5) >= 1
        and endorsed(6, 7) >= 1
        and endorsed(8, 14) >= 2
        and endorsed(15, 20) >= 2
    )


def _score_pcl5(values: list[int]) -> Score:
    raw = sum(values)
    flags: set[str] = set()
    if raw >= PCL5_PROBABLE_PTSD:
        flags.add("probable_ptsd")
    if _pcl5_dsm5_pattern(values):
        flags.add("dsm5_pattern")
    return Score(raw, None, frozenset(flags))


# --- WHO-5 ---------------------------------------------------------------------------

WHO5_POOR_WELLBEING = 52  # below this (0-100 scale): poor well-being
WHO5_LIKELY_DEPRESSION = 28  # at or below this (0-100 scale): likely depression


def _score_who5(values: list[int]) -> Score:
    """The 0-100 score is the raw sum (0-25) times 4 (Topp et al. 2015)."""
    percent = sum(values) * 4
    flags: set[str] = set()
    if percent < WHO5_POOR_WELLBEING:
        flags.add("poor_wellbeing")
    if percent <= WHO5_LIKELY_DEPRESSION:
        flags.add("likely_depression")
    return Score(percent, None, frozenset(flags))


# --- ACE -----------------------------------------------------------------------------

ACE_HIGH = 4


def _score_ace(values: list[int]) -> Score:
    raw = sum(values)
    return Score(raw, None, frozenset({"high_ace"} if raw >= ACE_HIGH else set()))


# --- C-SSRS screen version -----------------------------------------------------------

CSSRS_HIGH = N_("high")
CSSRS_MODERATE = N_("moderate")
CSSRS_LOW = N_("low")
CSSRS_NONE = N_("none")

# Answer positions (0-based) of the seven C-SSRS screen answers.
CSSRS_WISH_DEAD = 0  # 1 wish to be dead
CSSRS_THOUGHTS = 1  # 2 non-specific active suicidal thoughts
CSSRS_METHOD = 2  # 3 thoughts with method, without specific plan or intent
CSSRS_INTENT = 3  # 4 intent without specific plan
CSSRS_PLAN = 4  # 5 plan with intent
CSSRS_BEHAVIOR_EVER = 5  # 6 suicidal behaviour ever
CSSRS_BEHAVIOR_RECENT = 6  # 6 suicidal behaviour within the past 3 months


def _score_cssrs(values: list[int]) -> Score:
    """Columbia Suicide Severity Rating Scale, screen version (Posner et al. 2011).

    Seven answers, each 0 (no) or 1 (yes): items 1-5 (past month), item 6 "ever" and
    item 6 "within the past 3 months". Items 3-5 are asked only after a yes to item 2;
    a yes to "within the past 3 months" needs a yes to "ever". Answers that break
    either rule raise ``ValueError``.

    - severity: "high" when item 4 or 5 is yes or item 6 within the past 3 months;
      else "moderate" when item 3 or item 6 ever is yes; else "low" when item 1 or 2
      is yes; else "none".
    - flags: ``suicidal_ideation`` for a yes to item 1 or 2; ``suicidal_behavior`` for
      a yes to item 6 ever.
    - total: the number of yes answers (0-7). It is a count for the record, not a
      scale score: the severity carries the clinical meaning.
    """
    if not values[CSSRS_THOUGHTS]:
        for index in (CSSRS_METHOD, CSSRS_INTENT, CSSRS_PLAN):
            if values[index]:
                raise ValueError(
                    f"cssrs: item {index + 1} is asked only after a yes to item 2, "
                    "so it must be 0 when item 2 is 0"
                )
    if values[CSSRS_BEHAVIOR_RECENT] and not values[CSSRS_BEHAVIOR_EVER]:
        raise ValueError("cssrs: item 6 within the past 3 months is yes but item 6 ever is no")
    if values[CSSRS_INTENT] or values[CSSRS_PLAN] or values[CSSRS_BEHAVIOR_RECENT]:
        severity = CSSRS_HIGH
    elif values[CSSRS_METHOD] or values[CSSRS_BEHAVIOR_EVER]:
        severity = CSSRS_MODERATE
    elif values[CSSRS_WISH_DEAD] or values[CSSRS_THOUGHTS]:
        severity = CSSRS_LOW
    else:
        severity = CSSRS_NONE
    flags: set[str] = set()
    if values[CSSRS_WISH_DEAD] or values[CSSRS_THOUGHTS]:
        flags.add("suicidal_ideation")
    if values[CSSRS_BEHAVIOR_EVER]:
        flags.add("suicidal_behavior")
    return Score(sum(values), severity, frozenset(flags))


# --- the registry --------------------------------------------------------------------


def _from_instrument(code: str) -> dict:
    """Item count and answer values of an instrument whose items are in ``instruments``."""
    instrument = ITEM_INSTRUMENTS[code]
    return {
        "code": code,
        "item_count": len(instrument.items),
        "answer_values": frozenset(option.value for option in instrument.options),
    }


# Reliable-change thresholds: the smallest change that is unlikely to be measurement
# error. Reviewed here, in one place, by the practice.
INSTRUMENT_SCORING: dict[str, InstrumentScoring] = {
    entry.code: entry
    for entry in (
        InstrumentScoring(
            **_from_instrument("phq9"),
            total_range=(0, 27),
            rate=_score_phq9,
            bands=PHQ9_BANDS,
            flags=frozenset({"suicidal_ideation"}),
            reliable_change=ReliableChange(
                6,
                True,
                "Löwe et al. (2004), Med Care 42:1194; McMillan et al. (2010), J Affect Disord",
            ),
            source="Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606-613",
        ),
        InstrumentScoring(
            **_from_instrument("gad7"),
            total_range=(0, 21),
            rate=_score_gad7,
            bands=GAD7_BANDS,
            reliable_change=ReliableChange(
                4, True, "Toussaint et al. (2020), Gen Hosp Psychiatry 62:1-7"
            ),
            source="Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092-1097",
        ),
        InstrumentScoring(
            **_from_instrument("pcl5"),
            total_range=(0, 80),
            rate=_score_pcl5,
            flags=frozenset({"probable_ptsd", "dsm5_pattern"}),
            reliable_change=ReliableChange(
                10,
                True,
                "National Center for PTSD, PCL-5 guidance: 10-20 points is clinically meaningful",
            ),
            source="Bovin et al. (2016), Psychol Assess 28:1379-1391; Weathers et al. (2013)",
        ),
        InstrumentScoring(
            **_from_instrument("who5"),
            total_range=(0, 100),
            rate=_score_who5,
            flags=frozenset({"poor_wellbeing", "likely_depression"}),
            reliable_change=ReliableChange(
                10, False, "Topp et al. (2015): a 10-percentage-point change is clinically relevant"
            ),
            source="Topp, Østergaard, Søndergaard & Bech (2015), Psychother Psychosom 84:167-176",
        ),
        InstrumentScoring(
            **_from_instrument("ace"),
            total_range=(0, 10),
            rate=_score_ace,
            flags=frozenset({"high_ace"}),
            no_change_reason="ace: a history of adverse experiences, not a measure of change",
            source="Felitti et al. (1998), Am J Prev Med 14:245-258",
        ),
        InstrumentScoring(
            code="cssrs",
            item_count=7,
            answer_values=frozenset({0, 1}),
            total_range=(0, 7),
            rate=_score_cssrs,
            flags=frozenset({"suicidal_ideation", "suicidal_behavior"}),
            no_change_reason=("cssrs: a risk screen read by its severity, not a measure of change"),
            source="Posner et al. (2011), Am J Psychiatry 168:1266-1277; C-SSRS screen "
            "version, The Columbia Lighthouse Project (free for clinical use)",
            item_labels=(
                "item 1",
                "item 2",
                "item 3",
                "item 4",
                "item 5",
                "item 6 (ever)",
                "item 6 (within the past 3 months)",
            ),
        ),
    )
}

# Views of the registry kept for the callers that read them by code.
SEVERITY_BANDS: dict[str, tuple[Band, ...]] = {
    code: entry.bands for code, entry in INSTRUMENT_SCORING.items() if entry.bands
}

# The range of each total, for charts.
TOTAL_RANGE: dict[str, tuple[int, int]] = {
    code: entry.total_range for code, entry in INSTRUMENT_SCORING.items()
}

RELIABLE_CHANGE: dict[str, ReliableChange] = {
    code: entry.reliable_change
    for code, entry in INSTRUMENT_SCORING.items()
    if entry.reliable_change is not None
}


def scoring_for(code: str) -> InstrumentScoring:
    """The registered scoring of ``code``; ``ValueError`` for any other code."""
    entry = INSTRUMENT_SCORING.get(code)
    if entry is not None:
        return entry
    if code in SCORES_ONLY:
        raise ValueError(f"{code}: entered as scores, not scored from item answers")
    raise ValueError(f"unknown instrument {code!r}")


def _checked_answers(entry: InstrumentScoring, answers: Sequence[int]) -> list[int]:
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
    return checked


def score(code: str, answers: Sequence[int]) -> Score:
    """Score a questionnaire from its item answers, in item order.

    Raises ``ValueError`` for a code not in the registry, and naming the item for a
    missing, extra or out-of-range answer (or answers that contradict each other).
    """
    entry = scoring_for(code)
    return entry.rate(_checked_answers(entry, answers))


def classify_change(code: str, before_total: int, after_total: int) -> str:
    """``"improved"``, ``"deteriorated"`` or ``"unchanged"`` by the reliable-change table.

    A change of at least the threshold counts. ACE raises ``ValueError``: it records a
    history, not a symptom that can change; so does the C-SSRS, a risk screen, and any
    code without a reliable-change rule or not in the registry.
    """
    if code in SCORES_ONLY:
        raise ValueError(f"{code}: no reliable-change threshold")
    entry = scoring_for(code)
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


# What each response flag says on the clinician's page.
FLAG_LABELS = {
    "suicidal_ideation": N_("suicidal ideation"),
    "suicidal_behavior": N_("suicidal behaviour"),
    "probable_ptsd": N_("probable PTSD"),
    "dsm5_pattern": N_("DSM-5 symptom pattern"),
    "poor_wellbeing": N_("poor well-being"),
    "likely_depression": N_("likely depression"),
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
