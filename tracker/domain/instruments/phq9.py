"""PHQ-9, the Patient Health Questionnaire depression module.

Item text: Spitzer, Kroenke, Williams et al., developed with a grant from Pfizer Inc.;
"no permission required to reproduce, translate, display or distribute". German: PHQ-D
(Löwe, Spitzer, Zipfel & Herzog 2002), part of the same family, released for use.

Scoring: sum of 9 items (0-3); severity 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19
moderately severe, 20-27 severe (Kroenke, Spitzer & Williams 2001). Item 9 (thoughts of
being better off dead or of self-harm) answered 1 or more flags suicidal ideation for
follow-up. Reliable change: 6 points (Löwe et al. 2004; McMillan et al. 2010).
"""

from __future__ import annotations

from tracker.domain.instruments.base import (
    FREQUENCY_2_WEEKS,
    AnswerOption,
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
    Band(15, 19, N_("moderately severe")),
    Band(20, 27, N_("severe")),
)

SELF_HARM_ITEM = 8  # 0-based position of item 9


def rate(values: list[int]) -> Score:
    raw = sum(values)
    flags = {"suicidal_ideation"} if values[SELF_HARM_ITEM] >= 1 else set()
    return Score(raw, band_of(BANDS, raw), frozenset(flags))


PHQ9 = Instrument(
    code="phq9",
    name=N_("Patient Health Questionnaire (PHQ-9)"),
    short_name=N_("PHQ-9"),
    instructions=N_(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        N_("Little interest or pleasure in doing things"),
        N_("Feeling down, depressed, or hopeless"),
        N_("Trouble falling or staying asleep, or sleeping too much"),
        N_("Feeling tired or having little energy"),
        N_("Poor appetite or overeating"),
        N_(
            "Feeling bad about yourself — or that you are a failure or have let yourself "
            "or your family down"
        ),
        N_("Trouble concentrating on things, such as reading the newspaper or watching television"),
        N_(
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual"
        ),
        N_("Thoughts that you would be better off dead or of hurting yourself in some way"),
    ),
    options=FREQUENCY_2_WEEKS,
    rate=rate,
    total_range=(0, 27),
    bands=BANDS,
    flag_labels={"suicidal_ideation": N_("suicidal ideation")},
    reliable_change=ReliableChange(
        6,
        True,
        "Löwe et al. (2004), Med Care 42:1194; McMillan et al. (2010), J Affect Disord",
    ),
    chart_bands=(
        (0, 4, N_("minimal"), 0),
        (5, 9, N_("mild"), 1),
        (10, 14, N_("moderate"), 2),
        (15, 19, N_("moderately severe"), 3),
        (20, 27, N_("severe"), 4),
    ),
    extra_question=N_(
        "If you checked off any problems, how difficult have these problems made it for "
        "you to do your work, take care of things at home, or get along with other people?"
    ),
    extra_options=(
        AnswerOption(0, N_("Not difficult at all")),
        AnswerOption(1, N_("Somewhat difficult")),
        AnswerOption(2, N_("Very difficult")),
        AnswerOption(3, N_("Extremely difficult")),
    ),
    source="Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606-613",
    scoring_source="Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606-613",
    translated_locales=frozenset({"de"}),
)
