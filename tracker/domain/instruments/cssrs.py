"""C-SSRS, the Columbia Suicide Severity Rating Scale, screen version.

Item text: the C-SSRS Screen Version, recent (past month), of The Columbia Lighthouse
Project (Posner, Brown, Stanley et al.; https://cssrs.columbia.edu), free for use in
clinical settings. Items 1-5 ask about the past month; item 6 about the whole life, and,
after a yes, "Was this within the past 3 months?" (our item 7). As in the published form,
items 3-5 are asked only after a yes to item 2 (after a no, item 6 comes next), and the
past-3-months question only after a yes to item 6. No published German version may be
reproduced here: it stays in English in every language, and the page says why.

Scoring (the screener's triage; Posner et al. 2011, Am J Psychiatry 168:1266-1277):
seven answers, each 0 (no) or 1 (yes).
- severity: "high" when item 4 or 5 is yes or item 6 within the past 3 months; else
  "moderate" when item 3 or item 6 ever is yes; else "low" when item 1 or 2 is yes; else
  "none".
- flags: ``suicidal_ideation`` for a yes to item 1 or 2; ``suicidal_behavior`` for a yes
  to item 6 ever. Any flag raises a safety alert; "high" escalates at once.
- total: the number of yes answers (0-7), a count for the record, not a scale score: the
  severity carries the clinical meaning, so pages and reports show no total and no chart.
A risk screen read by its severity, not a measure of change: no reliable change.
"""

from __future__ import annotations

from tracker.domain.instruments.base import NO_YES, Instrument, Score
from tracker.domain.messages import N_

HIGH = N_("high")
MODERATE = N_("moderate")
LOW = N_("low")
NONE = N_("none")

# Answer positions (0-based) of the seven answers.
WISH_DEAD = 0  # 1 wish to be dead
THOUGHTS = 1  # 2 non-specific active suicidal thoughts
METHOD = 2  # 3 thoughts with method, without specific plan or intent
INTENT = 3  # 4 intent without specific plan
PLAN = 4  # 5 plan with intent
BEHAVIOR_EVER = 5  # 6 suicidal behaviour ever
BEHAVIOR_RECENT = 6  # 6 suicidal behaviour within the past 3 months (our item 7)


def rate(values: list[int]) -> Score:
    """Severity from the most serious yes, flags for ideation and behaviour (see above).

    The answers arrive checked: the follow-up rule (``asked_after_yes_to``) has refused
    a yes to items 3-5 after a no to item 2, and a recent yes after a no to "ever".
    """
    if values[INTENT] or values[PLAN] or values[BEHAVIOR_RECENT]:
        severity = HIGH
    elif values[METHOD] or values[BEHAVIOR_EVER]:
        severity = MODERATE
    elif values[WISH_DEAD] or values[THOUGHTS]:
        severity = LOW
    else:
        severity = NONE
    flags: set[str] = set()
    if values[WISH_DEAD] or values[THOUGHTS]:
        flags.add("suicidal_ideation")
    if values[BEHAVIOR_EVER]:
        flags.add("suicidal_behavior")
    return Score(sum(values), severity, frozenset(flags))


# What each yes means, in a few words, for the care team's table (same order as items).
YES_MEANS = (
    N_("wish to be dead"),
    N_("thoughts of killing themself"),
    N_("thinking about how"),
    N_("some intention of acting"),
    N_("a plan, intending to carry it out"),
    N_("suicidal behaviour, ever"),
    N_("behaviour within the past 3 months"),
)


def yes_answers(values: list[int]) -> tuple[str, ...]:
    """The questions answered yes, named by what a yes means (``YES_MEANS``)."""
    return tuple(meaning for meaning, value in zip(YES_MEANS, values, strict=True) if value)


CSSRS = Instrument(
    code="cssrs",
    name=N_("Columbia Suicide Severity Rating Scale, screen version (C-SSRS)"),
    short_name=N_("C-SSRS"),
    instructions=N_("Please answer yes or no. Questions 1 to 5 are about the past month."),
    items=(
        N_("Have you wished you were dead or wished you could go to sleep and not wake up?"),
        N_("Have you actually had any thoughts of killing yourself?"),
        N_("Have you been thinking about how you might do this?"),
        N_("Have you had these thoughts and had some intention of acting on them?"),
        N_(
            "Have you started to work out or worked out the details of how to kill yourself? "
            "Do you intend to carry out this plan?"
        ),
        N_(
            "Have you ever done anything, started to do anything, or prepared to do anything "
            "to end your life? Examples: collected pills, obtained a gun, gave away valuables, "
            "wrote a will or suicide note, took out pills but didn't swallow any, held a gun "
            "but changed your mind or it was grabbed from your hand, went to the roof but "
            "didn't jump; or actually took pills, tried to shoot yourself, cut yourself, "
            "tried to hang yourself, etc."
        ),
        N_("Was this within the past 3 months?"),
    ),
    options=NO_YES,
    rate=rate,
    total_range=(0, 7),
    flag_labels={
        "suicidal_ideation": N_("suicidal ideation"),
        "suicidal_behavior": N_("suicidal behaviour"),
    },
    no_change_reason="cssrs: a risk screen read by its severity, not a measure of change",
    scale_total=False,
    asked_after_yes_to={3: 2, 4: 2, 5: 2, 7: 6},
    needs_introduction=True,
    introduction=N_(
        "The next questions ask about thoughts of death and of ending your life. Many "
        "people have such thoughts in hard times, and knowing about them helps your care "
        "team support you. Your answers are seen only by your care team. If you would "
        "rather talk about this with your therapist, you can go back without answering. "
        "If you are in danger now, do not wait: call your local emergency number."
    ),
    source="C-SSRS Screen Version, recent; The Columbia Lighthouse Project "
    "(cssrs.columbia.edu), free for use in clinical settings",
    scoring_source="Posner et al. (2011), Am J Psychiatry 168:1266-1277; C-SSRS screen "
    "version triage, The Columbia Lighthouse Project",
    item_labels=(
        "item 1",
        "item 2",
        "item 3",
        "item 4",
        "item 5",
        "item 6 (ever)",
        "item 6 (within the past 3 months)",
    ),
)
