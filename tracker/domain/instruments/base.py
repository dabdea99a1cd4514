"""The shapes every instrument module fills in, and the answer scales several share.

An item-scored instrument is one ``Instrument``: what the respondent reads (instructions,
items, answer options), how it is scored (``rate``), the range of its total, its severity
bands, flags, reliable-change rule and chart bands, and the published sources of each.
A scores-only instrument (entered as scores by the therapist, its items not ours to print)
is one ``ScoresOnlyInstrument``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker.domain.messages import N_


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


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


# (low, high, label, level) of a shaded band on a trend chart; level 0 (calm) to 4.
ChartBand = tuple[int, int, str, int]


def band_of(bands: Sequence[Band], total: int) -> str | None:
    """The label of the band ``total`` falls in, or ``None``."""
    for band in bands:
        if band.low <= total <= band.high:
            return band.label
    return None


@dataclass(frozen=True)
class Instrument:
    """One item-scored questionnaire: its text, its scoring and how change in it is read.

    ``rate`` receives answers already checked for count, range and the follow-up rule
    (``asked_after_yes_to``) and returns the ``Score``. ``classify_change`` refuses the
    instrument when ``reliable_change`` is ``None``, with ``no_change_reason`` when given.
    """

    code: str
    name: str
    short_name: str
    instructions: str
    items: tuple[str, ...]
    options: tuple[AnswerOption, ...]
    rate: Callable[[list[int]], Score]
    total_range: tuple[int, int]
    # Where the item text comes from (printed under the form).
    source: str
    # Where the scoring rules, cut-offs and reliable-change threshold come from.
    scoring_source: str = ""
    bands: tuple[Band, ...] = ()
    # Every flag ``rate`` may raise, with what it says on the clinician's page.
    flag_labels: Mapping[str, str] = field(default_factory=dict, compare=False)
    reliable_change: ReliableChange | None = None
    no_change_reason: str = ""
    chart_bands: tuple[ChartBand, ...] = ()
    # False when the total only counts answers for the record and the severity carries
    # the meaning (a risk screen): no chart, no totals on pages and in reports.
    scale_total: bool = True
    lower_is_better: bool = True
    # An unscored extra question (PHQ-9's difficulty question), with its options.
    extra_question: str | None = None
    extra_options: tuple[AnswerOption, ...] = ()
    # Follow-up items: item number -> the item that must be answered yes before it is
    # asked (both 1-based). Unasked, a follow-up counts as the lowest answer ("no"); a
    # higher answer after a "no" to its lead item contradicts it.
    asked_after_yes_to: Mapping[int, int] = field(default_factory=dict, compare=False)
    # Asked only after the therapist's explicit assignment and a gentle introduction.
    needs_introduction: bool = False
    introduction: str = ""
    # Languages besides the English original with a published version we may reproduce.
    translated_locales: frozenset[str] = frozenset()
    # How answers are named in (English, developer-facing) errors, by position.
    item_labels: tuple[str, ...] = ()

    def has_version_in(self, language: str) -> bool:
        """Whether the item text may be shown in ``language`` (else it stays in English)."""
        return language == "en" or language in self.translated_locales

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def answer_values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(self.flag_labels)

    @property
    def min_answer(self) -> int:
        return min(option.value for option in self.options)

    @property
    def max_answer(self) -> int:
        return max(option.value for option in self.options)

    def item_label(self, number: int) -> str:
        """How item ``number`` (1-based) is named in errors."""
        if number <= len(self.item_labels):
            return self.item_labels[number - 1]
        return f"item {number}"

    def is_follow_up(self, number: int) -> bool:
        return number in self.asked_after_yes_to

    def contradictions(self, answers: Sequence[int | None]) -> list[tuple[int, int]]:
        """(follow-up, lead item) pairs, 1-based, where a follow-up was answered above
        the lowest answer although its lead item was not answered yes."""
        lowest = self.min_answer
        found = []
        for number, lead in sorted(self.asked_after_yes_to.items()):
            follow_up, gate = answers[number - 1], answers[lead - 1]
            if follow_up not in (None, lowest) and gate in (None, lowest):
                found.append((number, lead))
        return found


@dataclass(frozen=True)
class ScoreField:
    key: str
    label: str
    minimum: float
    maximum: float
    decimals: int = 0


def _no_flags(values: Mapping[str, float]) -> frozenset[str]:
    return frozenset()


@dataclass(frozen=True)
class ScoresOnlyInstrument:
    """Entered as scores by the therapist; the item text is not reproduced."""

    code: str
    name: str
    short_name: str
    fields: tuple[ScoreField, ...]
    total_key: str
    lower_is_better: bool
    note: str = ""
    source: str = ""
    # The flags the entered scores raise, and their labels.
    rate_flags: Callable[[Mapping[str, float]], frozenset[str]] = _no_flags
    flag_labels: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def total_range(self) -> tuple[float, float]:
        total = next(spec for spec in self.fields if spec.key == self.total_key)
        return total.minimum, total.maximum


# --- answer scales several instruments share ------------------------------------------

FREQUENCY_2_WEEKS = (
    AnswerOption(0, N_("Not at all")),
    AnswerOption(1, N_("Several days")),
    AnswerOption(2, N_("More than half the days")),
    AnswerOption(3, N_("Nearly every day")),
)

NO_YES = (AnswerOption(0, N_("No")), AnswerOption(1, N_("Yes")))
