"""WHO-5, the WHO Well-Being Index.

Item text: WHO Collaborating Centre in Mental Health, Psychiatric Research Unit,
Frederiksborg (1998); free to use, German included.

Scoring: the raw sum of 5 items (0-5) times 4 gives 0-100; below 52 indicates poor
well-being, 28 or below likely depression (Topp et al. 2015). Higher is better. Reliable
change: 10 percentage points (Topp et al. 2015).
"""

from __future__ import annotations

from tracker.domain.instruments.base import AnswerOption, Instrument, ReliableChange, Score
from tracker.domain.messages import N_

POOR_WELLBEING = 52  # below this (0-100 scale): poor well-being
LIKELY_DEPRESSION = 28  # at or below this (0-100 scale): likely depression


def rate(values: list[int]) -> Score:
    """The 0-100 score is the raw sum (0-25) times 4 (Topp et al. 2015)."""
    percent = sum(values) * 4
    flags: set[str] = set()
    if percent < POOR_WELLBEING:
        flags.add("poor_wellbeing")
    if percent <= LIKELY_DEPRESSION:
        flags.add("likely_depression")
    return Score(percent, None, frozenset(flags))


WHO5 = Instrument(
    code="who5",
    name=N_("WHO-5 Well-Being Index"),
    short_name=N_("WHO-5"),
    instructions=N_(
        "Please indicate for each of the five statements which is closest to how you have "
        "been feeling over the last two weeks."
    ),
    items=(
        N_("I have felt cheerful and in good spirits"),
        N_("I have felt calm and relaxed"),
        N_("I have felt active and vigorous"),
        N_("I woke up feeling fresh and rested"),
        N_("My daily life has been filled with things that interest me"),
    ),
    options=(
        AnswerOption(5, N_("All of the time")),
        AnswerOption(4, N_("Most of the time")),
        AnswerOption(3, N_("More than half of the time")),
        AnswerOption(2, N_("Less than half of the time")),
        AnswerOption(1, N_("Some of the time")),
        AnswerOption(0, N_("At no time")),
    ),
    rate=rate,
    total_range=(0, 100),
    flag_labels={
        "poor_wellbeing": N_("poor well-being"),
        "likely_depression": N_("likely depression"),
    },
    reliable_change=ReliableChange(
        10, False, "Topp et al. (2015): a 10-percentage-point change is clinically relevant"
    ),
    chart_bands=((0, 51, N_("poor well-being"), 3), (52, 100, N_("adequate well-being"), 0)),
    lower_is_better=False,
    source="WHO Collaborating Centre in Mental Health, Frederiksborg (1998); Topp et al. "
    "(2015), Psychother Psychosom 84:167-176",
    scoring_source="Topp, Østergaard, Søndergaard & Bech (2015), Psychother Psychosom 84:167-176",
    translated_locales=frozenset({"de"}),
)
