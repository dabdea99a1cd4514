"""PCL-5, the PTSD Checklist for DSM-5.

Item text: Weathers, Litz, Keane, Palmieri, Marx & Schnurr (2013), National Center for
PTSD; in the public domain. No published German version may be reproduced here: it stays
in English in every language, and the page says why.

Scoring: sum of 20 items (0-4); 33 or more is a probable PTSD (Bovin et al. 2016, Psychol
Assess 28:1379). The DSM-5 pattern counts items rated 2 ("moderately") or more: at least
1 of B (items 1-5), 1 of C (6-7), 2 of D (8-14), 2 of E (15-20) (Weathers et al. 2013).
Reliable change: 10 points (National Center for PTSD guidance: 10-20 points is clinically
meaningful).
"""

from __future__ import annotations

from tracker.domain.instruments.base import AnswerOption, Instrument, ReliableChange, Score
from tracker.domain.messages import N_

PROBABLE_PTSD = 33


def dsm5_pattern(answers: list[int]) -> bool:
    """At least 1 of B, 1 of C, 2 of D and 2 of E rated 2 or more."""

    def endorsed(first: int, last: int) -> int:
        return sum(1 for value in answers[first - 1 : last] if value >= 2)

    return (
        endorsed(1, 5) >= 1
        and endorsed(6, 7) >= 1
        and endorsed(8, 14) >= 2
        and endorsed(15, 20) >= 2
    )


def rate(values: list[int]) -> Score:
    raw = sum(values)
    flags: set[str] = set()
    if raw >= PROBABLE_PTSD:
        flags.add("probable_ptsd")
    if dsm5_pattern(values):
        flags.add("dsm5_pattern")
    return Score(raw, None, frozenset(flags))


PCL5 = Instrument(
    code="pcl5",
    name=N_("PTSD Checklist for DSM-5 (PCL-5)"),
    short_name=N_("PCL-5"),
    instructions=N_(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Keeping your worst event in mind, please read each problem "
        "carefully and then select how much you have been bothered by that problem in the "
        "past month."
    ),
    items=(
        N_("Repeated, disturbing, and unwanted memories of the stressful experience?"),
        N_("Repeated, disturbing dreams of the stressful experience?"),
        N_(
            "Suddenly feeling or acting as if the stressful experience were actually "
            "happening again (as if you were actually back there reliving it)?"
        ),
        N_("Feeling very upset when something reminded you of the stressful experience?"),
        N_(
            "Having strong physical reactions when something reminded you of the stressful "
            "experience (for example, heart pounding, trouble breathing, sweating)?"
        ),
        N_("Avoiding memories, thoughts, or feelings related to the stressful experience?"),
        N_(
            "Avoiding external reminders of the stressful experience (for example, people, "
            "places, conversations, activities, objects, or situations)?"
        ),
        N_("Trouble remembering important parts of the stressful experience?"),
        N_(
            "Having strong negative beliefs about yourself, other people, or the world (for "
            "example, having thoughts such as: I am bad, there is something seriously wrong "
            "with me, no one can be trusted, the world is completely dangerous)?"
        ),
        N_(
            "Blaming yourself or someone else for the stressful experience or what happened "
            "after it?"
        ),
        N_("Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
        N_("Loss of interest in activities that you used to enjoy?"),
        N_("Feeling distant or cut off from other people?"),
        N_(
            "Trouble experiencing positive feelings (for example, being unable to feel "
            "happiness or have loving feelings for people close to you)?"
        ),
        N_("Irritable behavior, angry outbursts, or acting aggressively?"),
        N_("Taking too many risks or doing things that could cause you harm?"),
        N_('Being "superalert" or watchful or on guard?'),
        N_("Feeling jumpy or easily startled?"),
        N_("Having difficulty concentrating?"),
        N_("Trouble falling or staying asleep?"),
    ),
    options=(
        AnswerOption(0, N_("Not at all")),
        AnswerOption(1, N_("A little bit")),
        AnswerOption(2, N_("Moderately")),
        AnswerOption(3, N_("Quite a bit")),
        AnswerOption(4, N_("Extremely")),
    ),
    rate=rate,
    total_range=(0, 80),
    flag_labels={
        "probable_ptsd": N_("probable PTSD"),
        "dsm5_pattern": N_("DSM-5 symptom pattern"),
    },
    reliable_change=ReliableChange(
        10,
        True,
        "National Center for PTSD, PCL-5 guidance: 10-20 points is clinically meaningful",
    ),
    chart_bands=((0, 32, N_("below the PTSD cut-off"), 0), (33, 80, N_("probable PTSD"), 3)),
    source="Weathers et al. (2013), National Center for PTSD; public domain",
    scoring_source="Bovin et al. (2016), Psychol Assess 28:1379-1391; Weathers et al. (2013)",
)
