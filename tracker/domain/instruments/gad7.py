"""GAD-7, the Generalized Anxiety Disorder scale.

Item text: Spitzer, Kroenke, Williams & Löwe, developed with a grant from Pfizer Inc.;
free to reproduce. German: Löwe et al. (2008), part of the PHQ family, released for use.

Scoring: sum of 7 items (0-3); 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe
(Spitzer et al. 2006). Reliable change: 4 points (Toussaint et al. 2020).
"""

from __future__ import annotations

from tracker.domain.instruments.base import (
    FREQUENCY_2_WEEKS,
    Band,
    Instrument,
    ReliableChange,
    Score,
    band_of,
)
from tracker.domain.messages import N_

BANDS = (
    Band(0, 4, N_("minimal")),
    Band(5, 9, N_("mild")),
    Band(10, 14, N_("moderate")),
    Band(15, 21, N_("severe")),
)


def rate(values: list[int]) -> Score:
    raw = sum(values)
    return Score(raw, band_of(BANDS, raw), frozenset())


GAD7 = Instrument(
    code="gad7",
    name=N_("Generalized Anxiety Disorder scale (GAD-7)"),
    short_name=N_("GAD-7"),
    instructions=N_(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    items=(
        N_("Feeling nervous, anxious, or on edge"),
        N_("Not being able to stop or control worrying"),
        N_("Worrying too much about different things"),
        N_("Trouble relaxing"),
        N_("Being so restless that it is hard to sit still"),
        N_("Becoming easily annoyed or irritable"),
        N_("Feeling afraid, as if something awful might happen"),
    ),
    options=FREQUENCY_2_WEEKS,
    rate=rate,
    total_range=(0, 21),
    bands=BANDS,
    reliable_change=ReliableChange(4, True, "Toussaint et al. (2020), Gen Hosp Psychiatry 62:1-7"),
    chart_bands=(
        (0, 4, N_("minimal"), 0),
        (5, 9, N_("mild"), 1),
        (10, 14, N_("moderate"), 2),
        (15, 21, N_("severe"), 4),
    ),
    source="Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092-1097",
    scoring_source="Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092-1097",
    translated_locales=frozenset({"de"}),
)
